#include "ledger/canonical_json.h"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "api/http/http_status_map.h"
#include "ledger/json_text.h"
#include "strict_json_oracle.h"
#include "test_util.h"

namespace fl {
namespace {

namespace fs = std::filesystem;

std::string CanonicalOf(std::string_view text) {
  auto parsed = ParseStrict(text);
  INFO(text);
  if (!parsed.ok()) FAIL_CHECK(parsed.error().detail);
  REQUIRE(parsed.ok());
  return Canonicalize(*parsed);
}

// Expects ParseStrict to refuse `text` with `code` (and `field`, if given).
void ExpectRefused(std::string_view text, const std::string& code,
                   const char* field = nullptr, const JsonLimits& limits = {}) {
  auto parsed = ParseStrict(text, limits);
  INFO("input: " << text.substr(0, 120));
  REQUIRE_FALSE(parsed.ok());
  INFO("detail: " << parsed.error().detail);
  CHECK(parsed.error().reason == code);
  CHECK(fl::http::HttpStatus(parsed.error()) ==
        (code == "payload_too_large" ? 413 : 400));
  CHECK_FALSE(parsed.error().detail.empty());
  if (field) CHECK(parsed.error().field == field);
}

// Independent oracle for "in the integer-only profile": nlohmann's lenient
// parser reports whether any number is a float.
bool HasFloat(const nlohmann::json& j) {
  if (j.is_number_float()) return true;
  if (j.is_structured()) {
    for (const auto& e : j) {
      if (HasFloat(e)) return true;
    }
  }
  return false;
}

std::string Nested(int depth, char open, char close) {
  return std::string(depth, open) + std::string(depth, close);
}

TEST_CASE("JCS cyberphone vectors: integer-only ones match byte for byte",
          "[json]") {
  fs::path dir = test::VectorsDir() / "jcs" / "cyberphone-testdata";
  int matched = 0, refused = 0;
  for (const auto& entry : fs::directory_iterator(dir / "input")) {
    std::string input = test::ReadFile(entry.path());
    std::string expected =
        test::ReadFile(dir / "output" / entry.path().filename());
    INFO(entry.path().filename().string());
    auto parsed = ParseStrict(input);
    if (HasFloat(nlohmann::json::parse(input))) {
      REQUIRE_FALSE(parsed.ok());
      CHECK(parsed.error().reason == "non_integer_number");
      ++refused;
    } else {
      REQUIRE(parsed.ok());
      CHECK(Canonicalize(*parsed) == expected);
      ++matched;
    }
  }
  // arrays, french, unicode, weird are integer-only; values and structures
  // hold 4.50, 56.0 and the like.
  CHECK(matched == 4);
  CHECK(refused == 2);
}

TEST_CASE("RFC 8785 number samples: safe integers canonicalize, rest refused",
          "[json]") {
  auto doc = nlohmann::json::parse(test::ReadFile(
      test::VectorsDir() / "jcs" / "rfc8785_number_samples.json"));
  int integers = 0, refused = 0, doubles = 0;
  for (const char* list : {"appendix_b_samples", "es6testfile_sample_lines"}) {
    for (const auto& sample : doc[list]["samples"]) {
      auto bits =
          std::stoull(sample["ieee754_hex"].get<std::string>(), nullptr, 16);
      double d = std::bit_cast<double>(static_cast<std::uint64_t>(bits));
      if (sample["json"].is_null()) {
        // NaN and Infinity have no JSON text; the literals are refused.
        CHECK(sample.value("expect_error", false));
        ExpectRefused(std::isnan(d) ? "NaN" : "Infinity", "malformed_json");
        continue;
      }
      std::string text = sample["json"];
      INFO(text);
      // Canonicalize also gets JCS right for a hand-built double.
      CHECK(Canonicalize(Json(d)) == text);
      ++doubles;
      auto lenient = nlohmann::json::parse(text);
      bool safe_integer =
          lenient.is_number_integer() && std::abs(d) <= 9007199254740991.0;
      if (safe_integer) {
        CHECK(CanonicalOf(text) == text);
        ++integers;
      } else {
        bool fraction = text.find_first_of(".eE") != std::string::npos;
        ExpectRefused(text, fraction ? "non_integer_number" : "invalid_field",
                      "");
        ++refused;
      }
    }
  }
  CHECK(integers == 4);  // the zeros
  CHECK(refused > 20);
  CHECK(doubles == integers + refused);
}

TEST_CASE("Canonicalize: JCS output form", "[json]") {
  SECTION("whitespace, literals, integers") {
    CHECK(CanonicalOf(" { \"b\" : [ true , false , null ] , \"a\" : -0 } ") ==
          R"({"a":0,"b":[true,false,null]})");
    CHECK(CanonicalOf("9007199254740991") == "9007199254740991");
    CHECK(CanonicalOf("-9007199254740991") == "-9007199254740991");
    CHECK(CanonicalOf("[]") == "[]");
    CHECK(CanonicalOf("{}") == "{}");
    CHECK(CanonicalOf("\"\"") == "\"\"");
  }
  SECTION("string escapes follow JSON.stringify") {
    CHECK(CanonicalOf(R"("\u0000\u0001\u001f\b\f\n\r\t\"\\\/")") ==
          R"("\u0000\u0001\u001f\b\f\n\r\t\"\\/")");
    // DEL, U+2028, non-ASCII and '/' stay literal.
    CHECK(CanonicalOf(R"("\u007f\u2028\u00e9/")") ==
          "\"\x7f\xe2\x80\xa8\xc3\xa9/\"");
    CHECK(CanonicalOf(R"("\u001F")") == R"("\u001f")");  // lowercase hex
  }
  SECTION("keys sort by UTF-16 code units, not UTF-8 bytes") {
    // U+E000 is EE 80 80 in UTF-8 (before F0..), but U+1F602 is the
    // surrogate pair D83D DE02 in UTF-16, which sorts before E000.
    CHECK(CanonicalOf(R"({"\ue000":1,"\ud83d\ude02":2,"a":3})") ==
          "{\"a\":3,\"\xf0\x9f\x98\x82\":2,\"\xee\x80\x80\":1}");
    // Two supplementary characters: code point order.
    CHECK(CanonicalOf(R"({"\ud83d\ude03":1,"\ud83d\ude02":2})") ==
          "{\"\xf0\x9f\x98\x82\":2,\"\xf0\x9f\x98\x83\":1}");
    // Prefixes sort first.
    CHECK(CanonicalOf(R"({"ab":1,"a":2,"":3})") == R"({"":3,"a":2,"ab":1})");
  }
  SECTION("hand-built values") {
    Json j = {{"z", std::uint64_t{7}}, {"y", -3}, {"x", "\x01"}};
    CHECK(Canonicalize(j) == R"({"x":"\u0001","y":-3,"z":7})");
  }
  SECTION("idempotent") {
    std::string once = CanonicalOf(
        R"({"k":[1,{"\n":"\u2028","b":[[],{}]}],"é":"\ud83d\ude02"})");
    CHECK(CanonicalOf(once) == once);
  }
}

TEST_CASE("ParseStrict refuses duplicate keys", "[json]") {
  ExpectRefused(R"({"a":1,"a":2})", "duplicate_key", "/a");
  ExpectRefused(R"({"a":1,"b":{"c":1,"c":1}})", "duplicate_key", "/b/c");
  ExpectRefused(R"({"x":[{"b":1},{"c":1,"d":[0,{"e":0,"e":0}]}]})",
                "duplicate_key", "/x/1/d/1/e");
  // The same key in sibling objects is fine; so is a key equal to a value.
  CHECK(CanonicalOf(R"([{"a":1},{"a":1},{"a":"a"}])") ==
        R"([{"a":1},{"a":1},{"a":"a"}])");
  // Escapes are decoded before comparing.
  ExpectRefused(R"({"a":1,"\u0061":2})", "duplicate_key", "/a");
  // Pointer tokens escape '~' and '/'.
  ExpectRefused(R"({"a/b~":1,"a/b~":2})", "duplicate_key", "/a~1b~0");
}

TEST_CASE("ParseStrict refuses non-integer numbers", "[json]") {
  ExpectRefused("1.0", "non_integer_number", "");
  ExpectRefused("1e5", "non_integer_number");
  ExpectRefused("1E2", "non_integer_number");
  ExpectRefused("-0.0", "non_integer_number");
  ExpectRefused("[0, 2.5]", "non_integer_number", "/1");
  ExpectRefused(R"({"amount_fen":100.00})", "non_integer_number",
                "/amount_fen");
  ExpectRefused("1e400", "non_integer_number");  // overflows a double too
}

TEST_CASE("ParseStrict refuses integers beyond +-(2^53-1)", "[json]") {
  CHECK(CanonicalOf("[9007199254740991,-9007199254740991]") ==
        "[9007199254740991,-9007199254740991]");
  ExpectRefused("9007199254740992", "invalid_field", "");
  ExpectRefused("-9007199254740992", "invalid_field");
  ExpectRefused(R"({"a":[18446744073709551615]})", "invalid_field", "/a/0");
  ExpectRefused("18446744073709551616", "invalid_field");
  ExpectRefused("-9223372036854775809", "invalid_field");
  ExpectRefused(std::string(400, '9'), "invalid_field");
}

TEST_CASE("ParseStrict depth limit", "[json]") {
  CHECK(ParseStrict(Nested(32, '[', ']')).ok());
  ExpectRefused(Nested(33, '[', ']'), "too_deep");
  std::string objects;
  for (int i = 0; i < 33; ++i) objects += "{\"k\":";
  objects += "1" + std::string(33, '}');
  ExpectRefused(objects, "too_deep");
  std::string ptr;
  for (int i = 0; i < 32; ++i) ptr += "/k";
  auto err = ParseStrict(objects);
  REQUIRE_FALSE(err.ok());
  CHECK(err.error().field == ptr);
  // Depth is nesting, not size.
  std::string wide = "[";
  for (int i = 0; i < 1000; ++i) wide += "[1],";
  wide.back() = ']';
  CHECK(ParseStrict(wide).ok());
  JsonLimits two{.max_depth = 2};
  CHECK(ParseStrict("[[1],{\"a\":1}]", two).ok());
  ExpectRefused("[[[]]]", "too_deep", "/0/0", two);
  ExpectRefused("[1,{\"a\":[[]]}]", "too_deep", "/1/a", two);
}

TEST_CASE("ParseStrict refuses invalid UTF-8", "[json]") {
  for (std::string bad :
       {"\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xe4\xb8\"",
        "\"\x80\"", "\"\xf4\x90\x80\x80\"", "{\"\xfe\":1}", "\xc3\xa9"}) {
    ExpectRefused(bad, "malformed_json");
    // The detail must itself be valid (ASCII) text for the error response.
    auto err = ParseStrict(bad);
    for (char c : err.error().detail) {
      CHECK(static_cast<unsigned char>(c) < 0x80);
    }
  }
  CHECK(CanonicalOf("\"\xe4\xb8\xad\xf0\x9f\x98\x82\"") ==
        "\"\xe4\xb8\xad\xf0\x9f\x98\x82\"");
}

TEST_CASE("ParseStrict refuses lone surrogate escapes", "[json]") {
  ExpectRefused(R"("\ud800")", "malformed_json");
  ExpectRefused(R"("\ud800x")", "malformed_json");
  ExpectRefused(R"("\udc00")", "malformed_json");
  ExpectRefused(R"("\ude02\ud83d")", "malformed_json");
  ExpectRefused(R"("\ud800\u0041")", "malformed_json");
  ExpectRefused(R"({"\udbff":1})", "malformed_json");
  CHECK(CanonicalOf(R"("\ud83d\ude02")") == "\"\xf0\x9f\x98\x82\"");
}

TEST_CASE("ParseStrict refuses syntax errors and trailing bytes", "[json]") {
  for (const char* bad : {"",
                          " ",
                          "{} x",
                          "{}{}",
                          "1 2",
                          "[1,]",
                          "{\"a\":1,}",
                          "{'a':1}",
                          "[1 2]",
                          "{\"a\" 1}",
                          "tru",
                          "nul",
                          "01",
                          "+1",
                          ".5",
                          "NaN",
                          "Infinity",
                          "[1] // c",
                          "/* c */ 1",
                          "\"a\tb\"",
                          "\"\\x41\"",
                          "\"unterminated",
                          "[",
                          "{\"a\":",
                          "\xEF\xBB\xBF{}"}) {
    ExpectRefused(bad, "malformed_json");
  }
  auto err = ParseStrict("{\"a\":1} x");
  REQUIRE_FALSE(err.ok());
  // Offset of the first offending byte, the 'x'.
  CHECK(err.error().detail.find("byte offset 8") != std::string::npos);
  // Whitespace around the value is fine.
  CHECK(CanonicalOf(" \t\r\n{}\n ") == "{}");
  // A NUL byte ends nlohmann's input: text after it must not be ignored,
  // nor may a NUL hide inside a string (tests/fuzz/fuzz_doc_reader found it).
  using namespace std::string_literals;
  for (const std::string& bad :
       {"{\"a\":1}\0junk"s, "5530102103\0\t0]"s, "\"a\0b\""s, "\0"s}) {
    INFO(bad.size());
    auto r = ParseStrict(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().reason == "malformed_json");
    CHECK(r.error().detail.find("NUL") != std::string::npos);
  }
}

TEST_CASE("ParseStrict size limit", "[json]") {
  JsonLimits small{.max_bytes = 10};
  CHECK(ParseStrict("[1,2,3,44]", small).ok());  // exactly 10 bytes
  ExpectRefused("[1,2,3,444]", "payload_too_large", nullptr, small);
  // Size is checked before syntax.
  ExpectRefused("xxxxxxxxxxx", "payload_too_large", nullptr, small);
  std::string big = "\"" + std::string((1 << 20) - 1, 'a') + "\"";
  ExpectRefused(big, "payload_too_large");
  big.pop_back();
  big.back() = '"';
  CHECK(ParseStrict(big).ok());  // the default limit, 1 MiB, exactly
}

}  // namespace
}  // namespace fl

namespace fl {
namespace {

// Both parsers on one text at one depth: the same value, or the same
// refusal reason and field. Returns whether ParseStrict accepted it.
bool SameAsOracle(std::string_view text, int depth) {
  JsonLimits limits{.max_depth = depth};
  auto ours = ParseStrict(text, limits);
  auto oracle = test::ParseStrictOracle(text, limits);
  INFO("depth " << depth << ", input: " << text.substr(0, 200));
  REQUIRE(ours.ok() == oracle.ok());
  if (ours.ok()) {
    CHECK(*ours == *oracle);
  } else {
    INFO("ours: " << ours.error().detail);
    INFO("oracle: " << oracle.error().detail);
    CHECK(ours.error().reason == oracle.error().reason);
    CHECK(ours.error().field == oracle.error().field);
  }
  return ours.ok();
}

TEST_CASE("AppendPointerToken escapes as RFC 6901 says", "[json]") {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"amount_fen", "/amount_fen"},
      {"", "/"},
      {"a/b", "/a~1b"},
      {"~x", "/~0x"},
      {"~/", "/~0~1"},
      {"资金", "/资金"},
      {"/~1", "/~1~01"}};
  for (const auto& [token, want] : cases) {
    std::string out = "/event";
    AppendPointerToken(out, token);
    CHECK(out == "/event" + std::string(want));
  }
}

TEST_CASE("ParseStrict agrees with the parser it replaced", "[json]") {
  namespace fs = std::filesystem;
  std::vector<std::string> seeds = {
      R"({"a":[1,-2,{"b":"\u00e9\ud83d\ude02\n"}],"c":null,"d":true})",
      R"([[[[{"k":[0,{"x":{"y":[1]}}]}]]]])",
      "[9007199254740991,-9007199254740992,1.5,1e9,01,-0]",
      "{\"\xe4\xb8\xad\":\"\xf0\x9f\x98\x82\"}"};
  const fs::path source(FL_SOURCE_DIR);
  for (const char* dir : {"tests/fuzz/corpus/fuzz_strict_json",
                          "tests/fuzz/corpus/fuzz_envelope"}) {
    for (const auto& f : fs::directory_iterator(source / dir)) {
      seeds.push_back(test::ReadFile(f.path()));
    }
  }
  const fs::path jcs = test::VectorsDir() / "jcs" / "cyberphone-testdata";
  for (const auto& f : fs::directory_iterator(jcs / "input")) {
    seeds.push_back(test::ReadFile(f.path()));
  }
  // Bytes that change a JSON text's structure, escapes, numbers or UTF-8.
  static constexpr std::string_view kBytes =
      "\"\\{}[],:0123456789-+.eEu/bntrfx \t\n\xc3\xa9\xed\xa0\xf4\x90\xff";
  std::mt19937 rng(20261207);
  auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  int accepted = 0, refused = 0;
  for (const std::string& seed : seeds) {
    for (int round = 0; round < 300; ++round) {
      std::string text = seed;
      // One to three edits: replace, insert, delete a byte, or cut the end.
      for (int edits = 1 + static_cast<int>(pick(3)); edits > 0; --edits) {
        if (text.empty()) break;
        std::size_t at = pick(text.size());
        switch (pick(4)) {
          case 0:
            text[at] = kBytes[pick(kBytes.size())];
            break;
          case 1:
            text.insert(at, 1, kBytes[pick(kBytes.size())]);
            break;
          case 2:
            text.erase(at, 1);
            break;
          default:
            text.resize(at);
        }
      }
      for (int depth : {limits::kMaxEventDepth, 3}) {
        (SameAsOracle(text, depth) ? accepted : refused) += 1;
      }
    }
    for (int depth : {limits::kMaxEventDepth, 3}) {
      (SameAsOracle(seed, depth) ? accepted : refused) += 1;
    }
  }
  // The mutations must reach both answers for the comparison to mean much.
  CHECK(accepted > 500);
  CHECK(refused > 5000);
}

}  // namespace
}  // namespace fl
