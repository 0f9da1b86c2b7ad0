#include "ledger/uscc.h"

#include <catch2/catch.hpp>
#include <string>

namespace fl {
namespace {

constexpr std::string_view kCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// Published codes of well-known companies (business licence records),
// plus two made for the tests; a wrong algorithm passes each with
// probability 1/31.
constexpr const char* kValid[] = {
    "914403001922038216",  // Huawei Technologies Co., Ltd.
    "91440300708461136T",  // Shenzhen Tencent Computer Systems Co., Ltd.
    "91330100716105852F",  // Alibaba (China) Co., Ltd.
    "91110000802100433B",  // Beijing Baidu Netcom Science Technology Co.
    "91110108551385082Q",  // Beijing Xiaomi Technology Co., Ltd.
    "52530621MJY12345XR",  // a 社会服务机构 in 530621 (test data)
    "125306210154327890",  // a government body (test data)
};

TEST_CASE("USCC check character: valid codes pass", "[uscc]") {
  for (const char* code : kValid) {
    INFO(code);
    CHECK(IsValidUscc(code));
  }
}

TEST_CASE("USCC: any one character changed fails", "[uscc]") {
  for (std::string code : kValid) {
    for (std::size_t pos = 0; pos < 18; ++pos) {
      for (char c : kCharset) {
        if (c == code[pos]) continue;
        std::string changed = code;
        changed[pos] = c;
        INFO(changed);
        CHECK_FALSE(IsValidUscc(changed));
      }
    }
  }
}

TEST_CASE("USCC: exactly one check character fits any 17 characters",
          "[uscc]") {
  std::string body = "52530621MJY12345X";
  for (std::size_t pos = 0; pos < 17; ++pos) {
    std::string code = body + "0";
    code[pos] = kCharset[(pos * 7) % kCharset.size()];
    int fits = 0;
    for (char c : kCharset) {
      code[17] = c;
      fits += IsValidUscc(code);
    }
    CHECK(fits == 1);
  }
}

TEST_CASE("USCC: charset and length", "[uscc]") {
  CHECK_FALSE(IsValidUscc(""));
  CHECK_FALSE(IsValidUscc("91440300192203821"));    // 17
  CHECK_FALSE(IsValidUscc("9144030019220382160"));  // 19
  CHECK_FALSE(IsValidUscc("91440300708461136t"));   // lowercase
  // I, O, Z, S, V are not in the charset, wherever they appear.
  for (char c : std::string("IOZSV")) {
    std::string code = "914403001922038216";
    code[10] = c;
    CHECK_FALSE(IsValidUscc(code));
  }
  CHECK_FALSE(IsValidUscc("91440300192203821 "));
}

}  // namespace
}  // namespace fl
