#include "ledger/division.h"

#include <algorithm>

namespace fl {
namespace {

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool IsDivisionCode(std::string_view code) {
  return (code.size() == 6 || code.size() == 9 || code.size() == 12) &&
         AllDigits(code);
}

std::string DivisionPrefix(std::string_view code) {
  // Not a code: return it whole so it can never widen a scope.
  if (!IsDivisionCode(code)) return std::string(code);
  while (code.size() > 6 && code.substr(code.size() - 3) == "000") {
    code.remove_suffix(3);
  }
  if (code.size() > 6) return std::string(code);  // township or village
  if (code == "000000") return "";
  if (code.substr(2) == "0000") return std::string(code.substr(0, 2));
  if (code.substr(4) == "00") return std::string(code.substr(0, 4));
  return std::string(code);
}

bool DivisionWithin(std::string_view code, std::string_view scope) {
  if (!IsDivisionCode(code) || !IsDivisionCode(scope)) return false;
  return code.starts_with(DivisionPrefix(scope));
}

std::vector<std::string_view> ScopePrefixes(std::string_view code) {
  std::vector<std::string_view> out;
  if (!IsDivisionCode(code)) return out;
  for (std::size_t len : {0, 2, 4, 6, 9, 12})
    if (len <= code.size()) out.push_back(code.substr(0, len));
  return out;
}

std::vector<std::string> ScopesContaining(std::string_view code) {
  std::vector<std::string> out;
  auto add = [&out](std::string s) {
    if (std::find(out.begin(), out.end(), s) == out.end())
      out.push_back(std::move(s));
  };
  // The codes whose prefix is each of those: DivisionPrefix drops trailing
  // groups of "000" from a 9- or 12-digit code, then zeros from 6 digits.
  for (std::string_view prefix : ScopePrefixes(code)) {
    if (prefix.size() <= 6) {
      std::string six(prefix);
      six.resize(6, '0');
      add(six);
      add(six + "000");
      add(six + "000000");
    } else {
      add(std::string(prefix));
      if (prefix.size() == 9) add(std::string(prefix) + "000");
    }
  }
  return out;
}

std::string CountyOf(std::string_view code) {
  return std::string(code.substr(0, 6));
}

}  // namespace fl
