#include "ledger/canonical_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace fl {
namespace {

// ---- Canonicalize ----------------------------------------------------------

// Decodes one code point of valid UTF-8 at s[i], advancing i.
char32_t NextCodePoint(std::string_view s, std::size_t& i) {
  auto b = static_cast<unsigned char>(s[i++]);
  if (b < 0x80) return b;
  int extra = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
  char32_t cp = b & (0x3f >> extra);
  for (int k = 0; k < extra && i < s.size(); ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3f);
  }
  return cp;
}

bool HasSupplementary(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0xf0) return true;
  }
  return false;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;  // start of the pending unescaped run
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
        out.append(esc, sizeof esc);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

namespace {

template <class Int>
void AppendInteger(std::string& out, Int v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// ECMAScript Number::toString (RFC 8785 3.2.2.3). ParseStrict never yields
// doubles, but a hand-built Json might; emitting the JCS form keeps the
// output canonical instead of silently wrong. NaN/Infinity have no JSON
// form; JSON.stringify writes null for them.
void AppendDouble(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  if (d == 0) {
    out += '0';
    return;
  }
  if (d < 0) {
    out += '-';
    d = -d;
  }
  char buf[40];
  auto r =
      std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, r.ptr - buf);  // e.g. "1.2345e+02"
  auto e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  int exp10 = std::atoi(std::string(sci.substr(e_pos + 1)).c_str());
  int k = static_cast<int>(digits.size());
  int n = exp10 + 1;  // value = 0.digits * 10^n
  if (k <= n && n <= 21) {
    out += digits;
    out.append(n - k, '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, n);
    out += '.';
    out.append(digits, n);
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(-n, '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += n - 1 < 0 ? '-' : '+';
    AppendInteger(out, std::abs(n - 1));
  }
}

void AppendValue(std::string& out, const Json& v) {
  switch (v.type()) {
    case Json::value_t::object: {
      const auto& obj = v.get_ref<const Json::object_t&>();
      out += '{';
      bool needs_sort = false;
      for (const auto& [key, _] : obj) {
        if (HasSupplementary(key)) {
          needs_sort = true;
          break;
        }
      }
      bool first = true;
      auto member = [&](const std::string& key, const Json& value) {
        if (!first) out += ',';
        first = false;
        AppendJsonString(out, key);
        out += ':';
        AppendValue(out, value);
      };
      if (!needs_sort) {
        // The map already iterates in byte order, which is UTF-16 order here.
        for (const auto& [key, value] : obj) member(key, value);
      } else {
        std::vector<const Json::object_t::value_type*> members;
        members.reserve(obj.size());
        for (const auto& m : obj) members.push_back(&m);
        std::sort(members.begin(), members.end(), [](auto* a, auto* b) {
          return Utf16Less(a->first, b->first);
        });
        for (const auto* m : members) member(m->first, m->second);
      }
      out += '}';
      break;
    }
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.get_ref<const Json::array_t&>()) {
        if (!first) out += ',';
        first = false;
        AppendValue(out, e);
      }
      out += ']';
      break;
    }
    case Json::value_t::string:
      AppendJsonString(out, v.get_ref<const std::string&>());
      break;
    case Json::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      break;
    case Json::value_t::number_integer:
      AppendInteger(out, v.get<std::int64_t>());
      break;
    case Json::value_t::number_unsigned:
      AppendInteger(out, v.get<std::uint64_t>());
      break;
    case Json::value_t::number_float:
      AppendDouble(out, v.get<double>());
      break;
    case Json::value_t::null:
    case Json::value_t::binary:
    case Json::value_t::discarded:
      out += "null";
      break;
  }
}

}  // namespace

// UTF-8 byte order equals code point order, which differs from UTF-16
// order only between U+E000..U+FFFF and supplementary characters
// (surrogates sort below U+E000).
bool Utf16Less(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    char32_t ca = NextCodePoint(a, i);
    char32_t cb = NextCodePoint(b, j);
    if (ca == cb) continue;
    auto lead = [](char32_t c) -> char32_t {
      return c < 0x10000 ? c : 0xd800 + ((c - 0x10000) >> 10);
    };
    char32_t la = lead(ca), lb = lead(cb);
    // Equal leads means both are supplementary; then code point order is
    // the order of their trail surrogates.
    return la != lb ? la < lb : ca < cb;
  }
  return a.size() - i < b.size() - j;
}

std::string Canonicalize(const Json& value) {
  std::string out;
  out.reserve(256);
  AppendValue(out, value);
  return out;
}

}  // namespace fl
