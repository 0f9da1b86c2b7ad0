#include "ledger/canonical_scan.h"

#include <cstdint>
#include <cstring>

#include "ledger/json_text.h"

namespace fl {
namespace {

constexpr std::uint64_t kMaxSafeInteger = (std::uint64_t{1} << 53) - 1;

// The byte after a backslash in Canonicalize's output: every other escape
// (\/, \u0041, upper-case hex, \u0008 for \b) is valid JSON but not
// canonical.
bool ShortEscape(char c) {
  return c == '"' || c == '\\' || c == 'b' || c == 'f' || c == 'n' ||
         c == 'r' || c == 't';
}
int LowerHex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
// Control characters Canonicalize writes as \u00xx: those without a
// short escape.
bool NeedsUnicodeEscape(int c) {
  return c < 0x20 && c != '\b' && c != '\f' && c != '\n' && c != '\r' &&
         c != '\t';
}

class Scanner {
 public:
  Scanner(std::string_view s, int max_depth) : s_(s), max_depth_(max_depth) {}

  bool Document() { return Value(0) && i_ == s_.size(); }

 private:
  bool Value(int depth) {
    if (i_ >= s_.size()) return false;
    switch (s_[i_]) {
      case '{':
        return Object(depth + 1);
      case '[':
        return Array(depth + 1);
      case '"': {
        bool escaped;
        return String(&escaped);
      }
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        return Integer();
    }
  }

  bool Literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  // -?(0|[1-9][0-9]*) within +-(2^53-1); "-0", fractions and exponents are
  // not what Canonicalize writes.
  bool Integer() {
    const bool negative = s_[i_] == '-';
    if (negative) ++i_;
    if (i_ >= s_.size() || s_[i_] < '0' || s_[i_] > '9') return false;
    const std::size_t start = i_;
    std::uint64_t v = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
      if (i_ - start >= 16) return false;  // 17 digits > 2^53
      v = v * 10 + static_cast<unsigned>(s_[i_] - '0');
      ++i_;
    }
    if (s_[start] == '0' && (i_ - start > 1 || negative)) return false;
    return v <= kMaxSafeInteger;
  }

  // A string in Canonicalize's form: raw UTF-8 (RFC 3629, as nlohmann
  // accepts it) but for the escapes it writes. Leaves i_ after the quote.
  bool String(bool* escaped) {
    *escaped = false;
    ++i_;  // the opening quote
    while (i_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c == '\\') {
        *escaped = true;
        if (i_ + 1 >= s_.size()) return false;
        const char e = s_[i_ + 1];
        if (ShortEscape(e)) {
          i_ += 2;
          continue;
        }
        if (e != 'u' || i_ + 6 > s_.size() || s_[i_ + 2] != '0' ||
            s_[i_ + 3] != '0')
          return false;
        const int hi = LowerHex(s_[i_ + 4]), lo = LowerHex(s_[i_ + 5]);
        if (hi < 0 || lo < 0 || !NeedsUnicodeEscape(hi * 16 + lo)) return false;
        i_ += 6;
        continue;
      }
      if (c < 0x20) return false;
      if (c < 0x80) {
        ++i_;
        continue;
      }
      if (!Utf8Sequence()) return false;
    }
    return false;  // no closing quote
  }

  // One multi-byte UTF-8 sequence (json_text.h).
  bool Utf8Sequence() {
    const int n = Utf8SequenceLength(s_.data() + i_, s_.data() + s_.size());
    i_ += static_cast<std::size_t>(n);
    return n > 0;
  }

  bool Object(int depth) {
    if (depth > max_depth_) return false;
    ++i_;  // '{'
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return true;
    }
    std::string_view prev;
    bool prev_escaped = false, first = true;
    for (;;) {
      if (i_ >= s_.size() || s_[i_] != '"') return false;
      const std::size_t start = i_;
      bool escaped;
      if (!String(&escaped)) return false;
      const std::string_view key = s_.substr(start + 1, i_ - start - 2);
      // Members in RFC 8785 order, each key once.
      if (!first && !KeyBefore(prev, prev_escaped, key, escaped)) return false;
      prev = key;
      prev_escaped = escaped;
      first = false;
      if (i_ >= s_.size() || s_[i_] != ':') return false;
      ++i_;
      if (!Value(depth)) return false;
      if (i_ >= s_.size()) return false;
      if (s_[i_] == '}') {
        ++i_;
        return true;
      }
      if (s_[i_] != ',') return false;
      ++i_;
    }
  }

  bool Array(int depth) {
    if (depth > max_depth_) return false;
    ++i_;  // '['
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return true;
    }
    for (;;) {
      if (!Value(depth)) return false;
      if (i_ >= s_.size()) return false;
      if (s_[i_] == ']') {
        ++i_;
        return true;
      }
      if (s_[i_] != ',') return false;
      ++i_;
    }
  }

  // Strictly before in UTF-16 order, comparing decoded keys. Without
  // escapes or 4-byte sequences that is plain byte order.
  bool KeyBefore(std::string_view a, bool a_escaped, std::string_view b,
                 bool b_escaped) {
    if (!a_escaped && !b_escaped) {
      if (!HasFourByte(a) && !HasFourByte(b)) return a < b;
      return Utf16Less(a, b);
    }
    // The keys lie in s_ just inside their quotes.
    const auto quoted = [&](std::string_view k) {
      return s_.substr(static_cast<std::size_t>(k.data() - s_.data()) - 1,
                       k.size() + 2);
    };
    auto da = CanonicalString(quoted(a));
    auto db = CanonicalString(quoted(b));
    return da && db && Utf16Less(*da, *db);
  }
  static bool HasFourByte(std::string_view s) {
    for (char c : s)
      if (static_cast<unsigned char>(c) >= 0xf0) return true;
    return false;
  }

  std::string_view s_;
  int max_depth_;
  std::size_t i_ = 0;
};

// End of the value (or key) starting at s[i] in canonical text: the index
// of the ',', ':', '}' or ']' after it at its own level, or s.size(); npos
// for an unterminated string or container. Brackets inside strings do not
// count.
std::size_t SkipValue(std::string_view s, std::size_t i) {
  int depth = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"') {
      i = JsonStringEnd(s, i);
      if (i == std::string_view::npos) return i;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return i;
      --depth;
    } else if ((c == ',' || c == ':') && depth == 0) {
      return i;
    }
  }
  return depth == 0 ? i : std::string_view::npos;
}

}  // namespace

std::size_t JsonStringEnd(std::string_view s, std::size_t open) {
  for (std::size_t i = open + 1; i < s.size();) {
    const void* q = std::memchr(s.data() + i, '"', s.size() - i);
    if (q == nullptr) return std::string_view::npos;
    const std::size_t at =
        static_cast<std::size_t>(static_cast<const char*>(q) - s.data());
    std::size_t backslashes = 0;
    while (at - backslashes > open + 1 && s[at - backslashes - 1] == '\\')
      ++backslashes;
    if (backslashes % 2 == 0) return at;
    i = at + 1;
  }
  return std::string_view::npos;
}

bool IsCanonicalJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) return false;
  return Scanner(text, limits.max_depth).Document();
}

std::optional<std::string_view> CanonicalMember(std::string_view object,
                                                std::string_view key) {
  if (object.size() < 2 || object.front() != '{') return std::nullopt;
  std::size_t i = 1;
  while (i < object.size() && object[i] == '"') {
    const std::size_t key_end = SkipValue(object, i);
    if (key_end == std::string_view::npos || key_end >= object.size() ||
        object[key_end] != ':')
      return std::nullopt;
    const std::string_view raw = object.substr(i, key_end - i);
    const std::size_t value_start = key_end + 1;
    const std::size_t value_end = SkipValue(object, value_start);
    if (value_end == std::string_view::npos) return std::nullopt;
    const bool match = raw.find('\\') == std::string_view::npos
                           ? raw.substr(1, raw.size() - 2) == key
                           : CanonicalString(raw) == std::string(key);
    if (match) return object.substr(value_start, value_end - value_start);
    if (value_end >= object.size() || object[value_end] != ',') break;
    i = value_end + 1;
  }
  return std::nullopt;
}

std::optional<std::string> CanonicalString(std::string_view value) {
  if (value.size() < 2 || value.front() != '"' || value.back() != '"')
    return std::nullopt;
  value = value.substr(1, value.size() - 2);
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '\\') {
      out += value[i];
      continue;
    }
    if (++i >= value.size()) return std::nullopt;
    switch (value[i]) {
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        if (i + 4 >= value.size()) return std::nullopt;
        const int hi = LowerHex(value[i + 3]), lo = LowerHex(value[i + 4]);
        if (value[i + 1] != '0' || value[i + 2] != '0' || hi < 0 || lo < 0)
          return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        i += 4;
        break;
      }
      default:
        out += value[i];  // '"' or '\\'
    }
  }
  return out;
}

}  // namespace fl
