#include "ledger/canonical_scan.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "test_util.h"

namespace fl {
namespace {

namespace fs = std::filesystem;

// The definition IsCanonicalJson must agree with: the parser accepts the
// text and canonicalising what it parsed gives the text back.
bool Oracle(std::string_view text, const JsonLimits& limits = {}) {
  auto parsed = ParseStrict(text, limits);
  return parsed.ok() && Canonicalize(*parsed) == text;
}

void Expect(std::string_view text, bool canonical,
            const JsonLimits& limits = {}) {
  INFO("text: " << text);
  CHECK(Oracle(text, limits) == canonical);  // the case itself is right
  CHECK(IsCanonicalJson(text, limits) == canonical);
}

TEST_CASE("IsCanonicalJson: what Canonicalize writes and nothing else",
          "[json]") {
  SECTION("values") {
    for (const char* yes :
         {"{}", "[]", "0", "-1", "true", "false", "null", "\"\"", "[0,1,-2]",
          "{\"a\":1,\"b\":[true,null,{\"c\":\"d\"}]}", "9007199254740991",
          "-9007199254740991", "\"a/b\"", "\"\x7f\"", "\"\xe6\x98\x86\"",
          "[[],{}]"})
      Expect(yes, true);
    for (const char* no : {"",
                           " {}",
                           "{} ",
                           "{ }",
                           "[1, 2]",
                           "{\"a\": 1}",
                           "-0",
                           "01",
                           "1.0",
                           "1e2",
                           "1E2",
                           "+1",
                           "9007199254740992",
                           "-9007199254740992",
                           "12345678901234567890",
                           "tru",
                           "nul",
                           "[1,]",
                           "{\"a\":1,}",
                           "[",
                           "{\"a\"}",
                           "{\"a\":}",
                           "\"",
                           "{1:2}",
                           "[1]]",
                           "\xef\xbb\xbf{}"})
      Expect(no, false);
  }
  SECTION("string escapes: only the ones Canonicalize writes") {
    Expect("\"\\n\\t\\r\\b\\f\\\"\\\\\"", true);
    Expect("\"\\u0000\\u001f\\u000b\"", true);
    Expect("\"\\u001F\"", false);  // upper-case hex
    Expect("\"\\u0008\"", false);  // \b has a short form
    Expect("\"\\u000a\"", false);
    Expect("\"\\u0041\"", false);  // 'A' is written as itself
    Expect("\"\\u00e9\"", false);
    Expect("\"\\/\"", false);
    Expect("\"\\x\"", false);
    Expect("\"\\u00\"", false);
    Expect(std::string("\"a\tb\""), false);  // raw control character
    Expect(std::string("\"a\0b\"", 5), false);
  }
  SECTION("UTF-8 as the parser takes it") {
    Expect("\"\xf0\x9f\x98\x80\"", true);   // U+1F600
    Expect("\"\xf4\x8f\xbf\xbf\"", true);   // U+10FFFF
    Expect("\"\xc0\x80\"", false);          // overlong NUL
    Expect("\"\xe0\x80\xaf\"", false);      // overlong '/'
    Expect("\"\xed\xa0\x80\"", false);      // a surrogate
    Expect("\"\xf4\x90\x80\x80\"", false);  // past U+10FFFF
    Expect("\"\xf5\x80\x80\x80\"", false);
    Expect("\"\x80\"", false);
    Expect("\"\xe6\x98\"", false);  // cut short
  }
  SECTION("keys in UTF-16 order, each once") {
    Expect("{\"a\":1,\"b\":2}", true);
    Expect("{\"b\":1,\"a\":2}", false);
    Expect("{\"a\":1,\"a\":2}", false);
    Expect("{\"a\":1,\"aa\":2}", true);
    Expect("{\"aa\":1,\"a\":2}", false);
    // A supplementary character sorts below U+E000 in UTF-16 order,
    // above it in UTF-8 byte order.
    Expect("{\"\xf0\x9f\x98\x80\":1,\"\xee\x80\x80\":2}", true);
    Expect("{\"\xee\x80\x80\":1,\"\xf0\x9f\x98\x80\":2}", false);
    // Escaped keys compare by what they decode to: tab (0x09) before
    // newline (0x0a), though the escape letters sort the other way.
    Expect("{\"\\t\":1,\"\\n\":2}", true);
    Expect("{\"\\n\":1,\"\\t\":2}", false);
    Expect("{\"\\u0001\":1,\"a\":2}", true);
  }
  SECTION("limits") {
    JsonLimits limits;
    limits.max_depth = 3;
    Expect("[[[1]]]", true, limits);
    Expect("[[[[1]]]]", false, limits);
    Expect("{\"a\":{\"b\":[1]}}", true, limits);
    Expect("{\"a\":{\"b\":[[1]]}}", false, limits);
    limits = {};
    limits.max_bytes = 7;
    Expect("[1,2,3]", true, limits);
    Expect("[1,2,33]", false, limits);
  }
}

TEST_CASE(
    "IsCanonicalJson agrees with the parser on the JCS vectors and "
    "on thousands of mutations of them",
    "[json]") {
  const fs::path dir = test::VectorsDir() / "jcs" / "cyberphone-testdata";
  std::vector<std::string> seeds;
  for (const auto& entry : fs::directory_iterator(dir / "input")) {
    seeds.push_back(test::ReadFile(entry.path()));
    seeds.push_back(test::ReadFile(dir / "output" / entry.path().filename()));
  }
  seeds.push_back(
      "{\"event\":{\"agency\":\"a\\\"b\",\"data\":{\"k\":[1,-2,{\"x\":null}]},"
      "\"type\":\"t\"},\"seq\":0}");
  REQUIRE(seeds.size() >= 13);
  int canonical = 0, not_canonical = 0;
  for (const auto& s : seeds) {
    const bool want = Oracle(s);
    INFO(s);
    CHECK(IsCanonicalJson(s) == want);
    (want ? canonical : not_canonical) += 1;
  }
  // Every output file is canonical; the inputs have whitespace.
  CHECK(canonical >= 5);
  CHECK(not_canonical >= 6);

  // Mutations: a byte changed, removed or doubled, or two bytes swapped,
  // from an alphabet of JSON's own characters.
  std::mt19937 rng(20261204);
  const std::string alphabet = "{}[]\":,\\-0123456789eE.tfnul ab\t\x7f\xc3\xa9";
  int agreed = 0, mutants_canonical = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s = seeds[rng() % seeds.size()];
    if (s.empty()) continue;
    const std::size_t at = rng() % s.size();
    switch (rng() % 4) {
      case 0:
        s[at] = alphabet[rng() % alphabet.size()];
        break;
      case 1:
        s.erase(at, 1);
        break;
      case 2:
        s.insert(at, 1, s[at]);
        break;
      default:
        std::swap(s[at], s[rng() % s.size()]);
        break;
    }
    const bool want = Oracle(s);
    if (IsCanonicalJson(s) != want) {
      INFO("mutant: " << s << " oracle: " << want);
      FAIL_CHECK("IsCanonicalJson disagrees with ParseStrict + Canonicalize");
      continue;
    }
    ++agreed;
    if (want) ++mutants_canonical;
  }
  CHECK(agreed >= 19000);
  // Some mutants stay canonical (a digit changed), so both answers ran.
  CHECK(mutants_canonical > 100);
}

TEST_CASE("CanonicalMember and CanonicalString read canonical objects",
          "[json]") {
  const std::string obj =
      "{\"a\\\"q\":\"x\",\"data\":{\"k\":\"}],\\\"{\",\"n\":[1,{\"z\":2}]},"
      "\"n\":-5,\"s\":\"t\\n\\u0001\\\\\",\"z\":[]}";
  REQUIRE(IsCanonicalJson(obj));
  CHECK(CanonicalMember(obj, "data") ==
        std::optional<std::string_view>(
            "{\"k\":\"}],\\\"{\",\"n\":[1,{\"z\":2}]}"));
  CHECK(CanonicalMember(obj, "n") == std::optional<std::string_view>("-5"));
  CHECK(CanonicalMember(obj, "z") == std::optional<std::string_view>("[]"));
  CHECK(CanonicalMember(obj, "a\"q") ==
        std::optional<std::string_view>("\"x\""));
  CHECK_FALSE(CanonicalMember(obj, "k"));  // nested, not a member
  CHECK_FALSE(CanonicalMember(obj, "missing"));
  CHECK_FALSE(CanonicalMember("[1]", "a"));
  CHECK_FALSE(CanonicalMember("{}", "a"));
  CHECK(CanonicalString(*CanonicalMember(obj, "s")) ==
        std::optional<std::string>(std::string("t\n\x01\\")));
  CHECK(CanonicalString("\"\xe6\x98\x86\"") ==
        std::optional<std::string>("\xe6\x98\x86"));
  CHECK_FALSE(CanonicalString("-5"));
  CHECK_FALSE(CanonicalString("\"\\u00\""));
}

}  // namespace
}  // namespace fl
