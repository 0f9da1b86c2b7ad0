#include <catch2/catch.hpp>
#include <string>

#include "crypto/encoding.h"

namespace fl {
namespace {

std::string AllBytes(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i)
    s += static_cast<char>((i * 37 + 11) & 0xff);
  return s;
}

TEST_CASE("hex encodes lowercase and decodes strictly", "[crypto]") {
  CHECK(HexEncode("") == "");
  CHECK(HexEncode(std::string("\x00\x01\xab\xff", 4)) == "0001abff");
  CHECK(HexDecode("0001abff") == std::string("\x00\x01\xab\xff", 4));
  CHECK(HexDecode("") == std::string());
  CHECK_FALSE(HexDecode("0"));     // odd length
  CHECK_FALSE(HexDecode("ABFF"));  // uppercase is not our spelling
  CHECK_FALSE(HexDecode("0g"));
  CHECK_FALSE(HexDecode(" 00"));
  for (std::size_t n = 0; n < 300; n += 7) {
    std::string b = AllBytes(n);
    CHECK(HexDecode(HexEncode(b)) == b);
  }
}

// RFC 4648 section 10.
TEST_CASE("base64 matches RFC 4648 test vectors", "[crypto]") {
  const std::pair<const char*, const char*> kCases[] = {{"", ""},
                                                        {"f", "Zg=="},
                                                        {"fo", "Zm8="},
                                                        {"foo", "Zm9v"},
                                                        {"foob", "Zm9vYg=="},
                                                        {"fooba", "Zm9vYmE="},
                                                        {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, b64] : kCases) {
    CHECK(Base64Encode(plain) == b64);
    CHECK(Base64Decode(b64) == std::string(plain));
  }
  CHECK(Base64Encode(std::string("\xfb\xff", 2)) == "+/8=");
}

TEST_CASE("base64 round-trips every length", "[crypto]") {
  for (std::size_t n = 0; n < 200; ++n) {
    std::string b = AllBytes(n);
    std::string text = Base64Encode(b);
    CHECK(text.size() == (n + 2) / 3 * 4);
    CHECK(Base64Decode(text) == b);
  }
}

TEST_CASE("base64 decode refuses non-canonical text", "[crypto]") {
  const char* kBad[] = {
      "Zg",        // padding missing
      "Zg=",       // padding short
      "Zg===",     // too much padding
      "Zh==",      // non-zero trailing bits
      "Zm9=",      // non-zero trailing bits (2 bytes)
      "Zg==Zg==",  // padding in the middle
      "=Zg=",     "====",
      "Zm9v\n",  // whitespace
      " Zm9v",    "Zm 9v",
      "Zm9v-_8=",  // URL-safe alphabet
      "Zm9\x80",   // non-ASCII
      "A",        "AB",    "ABC",
  };
  for (const char* s : kBad) {
    INFO(s);
    CHECK_FALSE(Base64Decode(s));
  }
  CHECK_FALSE(Base64Decode(std::string("Zm9\0", 4)));
}

}  // namespace
}  // namespace fl
