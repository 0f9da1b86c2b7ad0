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

std::string CountyOf(std::string_view code) {
  return std::string(code.substr(0, 6));
}

}  // namespace fl
