#include "strict_json_oracle.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fl::test {
namespace {

// LEDGER.md 1: integers must survive a round trip through an IEEE double.
constexpr std::int64_t kMaxSafeInteger = (std::int64_t{1} << 53) - 1;

// RFC 6901 reference token: '~' -> "~0", '/' -> "~1".
void AppendPointerToken(std::string& out, std::string_view token) {
  out += '/';
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
}

// nlohmann's messages look like "[json.exception.parse_error.101] parse
// error at line 1, column 3: syntax error ...; last read: '<bytes>'". The
// last-read part may hold raw invalid UTF-8, which would poison a JSON
// error response, so keep only the reason and force it to ASCII.
std::string CleanParserMessage(std::string_view what) {
  if (auto p = what.find("] "); p != std::string_view::npos) {
    what.remove_prefix(p + 2);
  }
  if (auto p = what.find(": ");
      p != std::string_view::npos &&
      what.substr(0, p).find("line") != std::string_view::npos) {
    what.remove_prefix(p + 2);  // drop "parse error at line L, column C"
  }
  if (auto p = what.find("; last read"); p != std::string_view::npos) {
    what = what.substr(0, p);
  }
  std::string out;
  out.reserve(what.size());
  for (char c : what) {
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u >= 0x7f) ? '?' : c;
  }
  return out;
}

bool HasFractionOrExponent(std::string_view token) {
  return token.find_first_of(".eE") != std::string_view::npos;
}

// Builds the DOM like nlohmann's json_sax_dom_parser, but refuses what
// the integer-only profile forbids. Duplicate keys are found against the
// object under construction itself, which is the per-object key set.
class StrictSax {
 public:
  explicit StrictSax(int max_depth) : max_depth_(max_depth) {}

  bool null() { return Add(Json(nullptr)); }
  bool boolean(bool v) { return Add(Json(v)); }
  bool number_integer(Json::number_integer_t v) {
    if (v > kMaxSafeInteger || v < -kMaxSafeInteger) {
      return OutOfRange(std::to_string(v));
    }
    return Add(Json(v));
  }
  bool number_unsigned(Json::number_unsigned_t v) {
    if (v > static_cast<std::uint64_t>(kMaxSafeInteger)) {
      return OutOfRange(std::to_string(v));
    }
    // Store every integer as signed so callers see one representation.
    return Add(Json(static_cast<std::int64_t>(v)));
  }
  bool number_float(Json::number_float_t /*v*/, const std::string& token) {
    // nlohmann also reports integers too large for 64 bits as floats.
    if (!HasFractionOrExponent(token)) return OutOfRange(token);
    return NonInteger(token);
  }
  bool string(std::string& v) { return Add(Json(std::move(v))); }
  bool binary(Json::binary_t& /*v*/) {
    return Fail(MakeError(Code::kInvalidArgument, "malformed_json",
                          "binary values not allowed"));
  }

  bool start_object(std::size_t /*n*/) { return Open(Json::value_t::object); }
  bool key(std::string& k) {
    Frame& f = stack_.back();
    auto [it, inserted] =
        f.node->get_ref<Json::object_t&>().emplace(std::move(k), nullptr);
    f.key = &it->first;
    if (!inserted) {
      std::string where = Pointer();
      return Fail(MakeError(Code::kInvalidArgument, "duplicate_key",
                            "duplicate object key at " + where, where));
    }
    f.slot = &it->second;
    return true;
  }
  bool end_object() {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t /*n*/) { return Open(Json::value_t::array); }
  bool end_array() {
    stack_.pop_back();
    return true;
  }

  bool parse_error(std::size_t position, const std::string& token,
                   const nlohmann::detail::exception& ex) {
    if (error_) return false;  // a handler refused first; keep its reason
    // 406 is a number too large for a double, e.g. 1e400.
    if (ex.id == 406) {
      return HasFractionOrExponent(token) ? NonInteger(token)
                                          : OutOfRange(token);
    }
    // nlohmann counts bytes read, the offending one included.
    std::size_t offset = position > 0 ? position - 1 : 0;
    return Fail(MakeError(Code::kInvalidArgument, "malformed_json",
                          "invalid JSON at byte offset " +
                              std::to_string(offset) + ": " +
                              CleanParserMessage(ex.what())));
  }

  Json& root() { return root_; }
  std::optional<Error>& error() { return error_; }

 private:
  struct Frame {
    Json* node;
    const std::string* key = nullptr;  // object: the key being filled
    Json* slot = nullptr;              // object: where its value goes
  };

  // The slot for the next value: the root, a new array element, or the
  // member created by key().
  Json* NextSlot() {
    if (stack_.empty()) return &root_;
    Frame& f = stack_.back();
    if (f.node->is_array()) {
      auto& arr = f.node->get_ref<Json::array_t&>();
      arr.emplace_back();
      return &arr.back();
    }
    return f.slot;
  }

  bool Add(Json&& v) {
    *NextSlot() = std::move(v);
    return true;
  }

  bool Open(Json::value_t type) {
    if (static_cast<int>(stack_.size()) >= max_depth_) {
      std::string where = Pointer();
      return Fail(MakeError(Code::kInvalidArgument, "too_deep",
                            "nesting deeper than " +
                                std::to_string(max_depth_) + " at " +
                                (where.empty() ? "/" : where),
                            where));
    }
    Json* slot = NextSlot();
    *slot = Json(type);
    stack_.push_back(Frame{slot});
    return true;
  }

  bool OutOfRange(std::string_view token) {
    std::string where = Pointer();
    return Fail(MakeError(Code::kInvalidArgument, "invalid_field",
                          "integer " + std::string(token.substr(0, 40)) +
                              " outside +-(2^53-1) at " +
                              (where.empty() ? "/" : where),
                          where));
  }
  bool NonInteger(std::string_view token) {
    std::string where = Pointer();
    return Fail(MakeError(Code::kInvalidArgument, "non_integer_number",
                          "number " + std::string(token.substr(0, 40)) +
                              " has a fraction or exponent at " +
                              (where.empty() ? "/" : where),
                          where));
  }

  bool Fail(Error e) {
    error_ = std::move(e);
    return false;
  }

  // Pointer to the value about to be added (or the key just read). Only
  // built on error, so the happy path never pays for it.
  std::string Pointer() const {
    std::string out;
    for (std::size_t i = 0; i < stack_.size(); ++i) {
      const Frame& f = stack_[i];
      if (f.node->is_array()) {
        // Enclosing arrays already hold the open child as their last
        // element; the innermost one is about to get a new element.
        std::size_t n = f.node->size();
        bool innermost = i + 1 == stack_.size();
        AppendPointerToken(out, std::to_string(innermost ? n : n - 1));
      } else if (f.key != nullptr) {
        AppendPointerToken(out, *f.key);
      }
    }
    return out;
  }

  int max_depth_;
  Json root_;
  std::vector<Frame> stack_;
  std::optional<Error> error_;
};

}  // namespace

Result<Json> ParseStrictOracle(std::string_view text,
                               const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return MakeError(Code::kResourceExhausted, "payload_too_large",
                     "JSON text is " + std::to_string(text.size()) +
                         " bytes, over the limit of " +
                         std::to_string(limits.max_bytes));
  }
  // nlohmann skips a UTF-8 byte order mark; RFC 8259 forbids sending one.
  if (text.starts_with("\xEF\xBB\xBF")) {
    return MakeError(Code::kInvalidArgument, "malformed_json",
                     "invalid JSON at byte offset 0: byte order mark");
  }
  // nlohmann's lexer takes a NUL byte for the end of input, so
  // `{"a":1}\0junk` would parse as `{"a":1}`. No JSON text holds a raw NUL
  // (inside strings it must be escaped), so refuse it wherever it is.
  // (Found by tests/fuzz/fuzz_doc_reader.)
  if (std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return MakeError(
        Code::kInvalidArgument, "malformed_json",
        "invalid JSON at byte offset " + std::to_string(nul) + ": a NUL byte");
  }
  StrictSax sax(limits.max_depth);
  bool ok = Json::sax_parse(text.data(), text.data() + text.size(), &sax,
                            Json::input_format_t::json, /*strict=*/true,
                            /*ignore_comments=*/false);
  if (!ok || sax.error()) {
    if (sax.error()) return std::move(*sax.error());
    return MakeError(Code::kInvalidArgument, "malformed_json", "invalid JSON");
  }
  return std::move(sax.root());
}

}  // namespace fl::test
