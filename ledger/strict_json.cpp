// ParseStrict (canonical_json.h): one pass over the bytes straight into the
// DOM. It replaced a SAX handler on nlohmann's lexer, which read a
// character at a time through a callback and appended each one to its token
// buffer. That lexer was ~2/3 of the strict parse, and the parse ~3/4 of
// Prepare's CPU apart from the signature (docs/PERFORMANCE.md, seventeenth
// session). The old parser is kept as a test oracle
// (tests/strict_json_oracle.h), and tests/fuzz/fuzz_strict_json checks that
// both accept and refuse the same texts with the same reasons and fields.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/canonical_json.h"
#include "ledger/json_text.h"

namespace fl {
namespace {

// LEDGER.md 1: integers must survive a round trip through an IEEE double.
constexpr std::uint64_t kMaxSafeInteger = (std::uint64_t{1} << 53) - 1;
// 2^53 - 1 has 16 decimal digits: a longer integer is always outside.
constexpr std::size_t kMaxSafeDigits = 16;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Recursive descent; the depth limit bounds the recursion. Each function
// returns false once error_ is set, and the first error wins, as in a
// single left-to-right read.
class Parser {
 public:
  Parser(std::string_view text, int max_depth)
      : begin_(text.data()),
        p_(text.data()),
        end_(text.data() + text.size()),
        max_depth_(max_depth) {}

  Result<Json> Run() {
    Json root;
    SkipSpace();
    if (p_ == end_) return Syntax("no JSON value");
    if (!Value(&root)) return std::move(*error_);
    SkipSpace();
    if (p_ != end_) return Syntax("bytes after the JSON value");
    return root;
  }

 private:
  // Where the value being read goes: an array's next index or the object
  // member whose key was just read. Only read to build an error's pointer.
  struct Frame {
    bool array = false;
    std::size_t index = 0;
    const std::string* key = nullptr;
  };

  void SkipSpace() {
    while (p_ != end_ && IsSpace(*p_)) ++p_;
  }

  bool Value(Json* slot) {
    switch (*p_) {
      case '{':
        return Object(slot);
      case '[':
        return Array(slot);
      case '"': {
        std::string s;
        if (!String(&s)) return false;
        *slot = std::move(s);
        return true;
      }
      case 't':
        return Literal("true", Json(true), slot);
      case 'f':
        return Literal("false", Json(false), slot);
      case 'n':
        return Literal("null", Json(nullptr), slot);
      default:
        if (*p_ == '-' || IsDigit(*p_)) return Number(slot);
        return Fail(Syntax("expected a JSON value"));
    }
  }

  bool Literal(std::string_view word, Json value, Json* slot) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return Fail(Syntax("invalid literal"));
    }
    p_ += word.size();
    *slot = std::move(value);
    return true;
  }

  bool Open() {
    if (static_cast<int>(stack_.size()) >= max_depth_) {
      std::string where = Pointer();
      return Fail(MakeError(Code::kInvalidArgument, "too_deep",
                            "nesting deeper than " +
                                std::to_string(max_depth_) + " at " +
                                (where.empty() ? "/" : where),
                            where));
    }
    ++p_;  // the opening bracket
    return true;
  }

  bool Object(Json* slot) {
    if (!Open()) return false;
    *slot = Json::object();
    auto& members = slot->get_ref<Json::object_t&>();
    stack_.push_back(Frame{});
    SkipSpace();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      stack_.pop_back();
      return true;
    }
    for (;;) {
      if (p_ == end_ || *p_ != '"') return Fail(Syntax("expected a key"));
      std::string key;
      if (!String(&key)) return false;
      auto [it, inserted] = members.emplace(std::move(key), nullptr);
      stack_.back().key = &it->first;
      if (!inserted) {
        std::string where = Pointer();
        return Fail(MakeError(Code::kInvalidArgument, "duplicate_key",
                              "duplicate object key at " + where, where));
      }
      SkipSpace();
      if (p_ == end_ || *p_ != ':') return Fail(Syntax("expected ':'"));
      ++p_;
      SkipSpace();
      if (p_ == end_) return Fail(Syntax("expected a JSON value"));
      if (!Value(&it->second)) return false;
      SkipSpace();
      if (p_ != end_ && *p_ == ',') {
        ++p_;
        SkipSpace();
        continue;
      }
      if (p_ != end_ && *p_ == '}') {
        ++p_;
        stack_.pop_back();
        return true;
      }
      return Fail(Syntax("expected ',' or '}'"));
    }
  }

  bool Array(Json* slot) {
    if (!Open()) return false;
    *slot = Json::array();
    auto& elements = slot->get_ref<Json::array_t&>();
    stack_.push_back(Frame{.array = true});
    SkipSpace();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      stack_.pop_back();
      return true;
    }
    for (;;) {
      stack_.back().index = elements.size();
      if (p_ == end_) return Fail(Syntax("expected a JSON value"));
      Json v;
      if (!Value(&v)) return false;
      elements.push_back(std::move(v));
      SkipSpace();
      if (p_ != end_ && *p_ == ',') {
        ++p_;
        SkipSpace();
        continue;
      }
      if (p_ != end_ && *p_ == ']') {
        ++p_;
        stack_.pop_back();
        return true;
      }
      return Fail(Syntax("expected ',' or ']'"));
    }
  }

  // p_ is at the opening quote. Unescaped runs are copied whole.
  bool String(std::string* out) {
    const char* run = ++p_;
    for (;;) {
      while (p_ != end_) {
        auto c = static_cast<unsigned char>(*p_);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++p_;
      }
      if (p_ == end_) return Fail(Syntax("unterminated string"));
      auto c = static_cast<unsigned char>(*p_);
      if (c >= 0x80) {
        int n = Utf8SequenceLength(p_, end_);
        if (n == 0) return Fail(Syntax("invalid UTF-8 in a string"));
        p_ += n;
        continue;
      }
      out->append(run, p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) {
        return Fail(Syntax("control character in a string must be escaped"));
      }
      if (!Escape(out)) return false;
      run = p_;
    }
  }

  // p_ is at a backslash inside a string.
  bool Escape(std::string* out) {
    if (end_ - p_ < 2) return Fail(Syntax("unterminated string"));
    char e = p_[1];
    p_ += 2;
    switch (e) {
      case '"':
        *out += '"';
        return true;
      case '\\':
        *out += '\\';
        return true;
      case '/':
        *out += '/';
        return true;
      case 'b':
        *out += '\b';
        return true;
      case 'f':
        *out += '\f';
        return true;
      case 'n':
        *out += '\n';
        return true;
      case 'r':
        *out += '\r';
        return true;
      case 't':
        *out += '\t';
        return true;
      case 'u':
        break;
      default:
        p_ -= 1;
        return Fail(Syntax("invalid escape in a string"));
    }
    int unit = CodeUnit();
    if (unit < 0) return false;
    char32_t cp = static_cast<char32_t>(unit);
    if (unit >= 0xdc00 && unit <= 0xdfff) {
      return Fail(Syntax("lone low surrogate escape"));
    }
    if (unit >= 0xd800 && unit <= 0xdbff) {
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') {
        return Fail(Syntax("high surrogate escape without its low half"));
      }
      p_ += 2;
      int low = CodeUnit();
      if (low < 0) return false;
      if (low < 0xdc00 || low > 0xdfff) {
        return Fail(Syntax("high surrogate escape without its low half"));
      }
      cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
    }
    AppendUtf8(*out, cp);
    return true;
  }

  // Four hex digits after "\u", or -1 with the error set.
  int CodeUnit() {
    int unit = 0;
    for (int i = 0; i < 4; ++i) {
      int h = p_ != end_ ? HexValue(*p_) : -1;
      if (h < 0) {
        Fail(Syntax("\\u must be followed by four hex digits"));
        return -1;
      }
      unit = unit * 16 + h;
      ++p_;
    }
    return unit;
  }

  // RFC 8259 number grammar; then the integer-only profile.
  bool Number(Json* slot) {
    const char* start = p_;
    bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || !IsDigit(*p_)) {
      return Fail(Syntax("invalid number"));
    }
    const char* digits = p_;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && IsDigit(*p_)) ++p_;
    }
    const char* digits_end = p_;
    bool fraction_or_exponent = false;
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !IsDigit(*p_)) return Fail(Syntax("invalid number"));
      while (p_ != end_ && IsDigit(*p_)) ++p_;
      fraction_or_exponent = true;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !IsDigit(*p_)) return Fail(Syntax("invalid number"));
      while (p_ != end_ && IsDigit(*p_)) ++p_;
      fraction_or_exponent = true;
    }
    std::string_view token(start, p_ - start);
    if (fraction_or_exponent) {
      return Fail(Refusal("non_integer_number", "number", token,
                          " has a fraction or exponent at "));
    }
    std::uint64_t magnitude = 0;
    const auto n = static_cast<std::size_t>(digits_end - digits);
    if (n <= kMaxSafeDigits) {
      for (const char* d = digits; d != digits_end; ++d) {
        magnitude = magnitude * 10 + static_cast<unsigned>(*d - '0');
      }
    }
    if (n > kMaxSafeDigits || magnitude > kMaxSafeInteger) {
      return Fail(Refusal("invalid_field", "integer", token,
                          " outside +-(2^53-1) at "));
    }
    // Every integer is stored signed, so callers see one representation.
    const auto value = static_cast<std::int64_t>(magnitude);
    *slot = negative ? -value : value;
    return true;
  }

  Error Refusal(const char* reason, const char* what, std::string_view token,
                const char* why) const {
    std::string where = Pointer();
    return MakeError(Code::kInvalidArgument, reason,
                     std::string(what) + " " +
                         std::string(token.substr(0, 40)) + why +
                         (where.empty() ? "/" : where),
                     where);
  }

  Error Syntax(std::string_view why) const {
    return MakeError(Code::kInvalidArgument, "malformed_json",
                     "invalid JSON at byte offset " +
                         std::to_string(p_ - begin_) + ": " + std::string(why));
  }

  bool Fail(Error e) {
    if (!error_) error_ = std::move(e);
    return false;
  }

  // JSON pointer to the value being read (or the key just read). Only
  // built on error, so the happy path never pays for it.
  std::string Pointer() const {
    std::string out;
    for (const Frame& f : stack_) {
      if (f.array) {
        AppendPointerToken(out, std::to_string(f.index));
      } else if (f.key != nullptr) {
        AppendPointerToken(out, *f.key);
      }
    }
    return out;
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  int max_depth_;
  std::vector<Frame> stack_;
  std::optional<Error> error_;
};

}  // namespace

Result<Json> ParseStrict(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return MakeError(Code::kResourceExhausted, "payload_too_large",
                     "JSON text is " + std::to_string(text.size()) +
                         " bytes, over the limit of " +
                         std::to_string(limits.max_bytes));
  }
  // RFC 8259 forbids sending a byte order mark; say so by name.
  if (text.starts_with("\xEF\xBB\xBF")) {
    return MakeError(Code::kInvalidArgument, "malformed_json",
                     "invalid JSON at byte offset 0: byte order mark");
  }
  // No JSON text holds a raw NUL (inside strings it must be escaped). The
  // old parser took one for the end of input, so `{"a":1}\0junk` parsed;
  // naming it wherever it is keeps that answer explicit.
  // (Found by tests/fuzz/fuzz_doc_reader.)
  if (std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return MakeError(
        Code::kInvalidArgument, "malformed_json",
        "invalid JSON at byte offset " + std::to_string(nul) + ": a NUL byte");
  }
  return Parser(text, limits.max_depth).Run();
}

}  // namespace fl
