#include "ledger/division.h"

#include <catch2/catch.hpp>

namespace fl {
namespace {

TEST_CASE("IsDivisionCode: 6, 9 or 12 digits", "[division]") {
  for (const char* good : {"530621", "000000", "530621100", "530621100201"}) {
    CHECK(IsDivisionCode(good));
  }
  for (const char* bad :
       {"", "53062", "5306210", "53062110", "5306211002", "5306211002010",
        "53062a", " 530621", "530621 ", "５３０６２１"}) {
    INFO(bad);
    CHECK_FALSE(IsDivisionCode(bad));
  }
}

TEST_CASE("DivisionPrefix per EVENTS.md", "[division]") {
  CHECK(DivisionPrefix("530000") == "53");
  CHECK(DivisionPrefix("530600") == "5306");
  CHECK(DivisionPrefix("530621") == "530621");
  CHECK(DivisionPrefix("000000") == "");
  // 9/12 digits drop trailing all-zero groups of 3, then as 6 digits.
  CHECK(DivisionPrefix("530621100") == "530621100");
  CHECK(DivisionPrefix("530621100201") == "530621100201");
  CHECK(DivisionPrefix("530621100000") == "530621100");
  CHECK(DivisionPrefix("530621000000") == "530621");
  CHECK(DivisionPrefix("530600000") == "5306");
  CHECK(DivisionPrefix("530000000000") == "53");
  CHECK(DivisionPrefix("000000000000") == "");
  // Only whole groups of three are dropped.
  CHECK(DivisionPrefix("530621100200") == "530621100200");
  CHECK(DivisionPrefix("530621010000") == "530621010");
}

TEST_CASE("DivisionWithin", "[division]") {
  CHECK(DivisionWithin("530621", "530600"));
  CHECK(DivisionWithin("530621", "530000"));
  CHECK(DivisionWithin("530621", "000000"));
  CHECK(DivisionWithin("530621", "530621"));
  CHECK(DivisionWithin("530621100201", "530621"));
  CHECK(DivisionWithin("530621100201", "530621100"));
  CHECK(DivisionWithin("530621100201", "530621100000"));
  CHECK(DivisionWithin("530600", "530600"));
  CHECK_FALSE(DivisionWithin("530700", "530600"));
  CHECK_FALSE(DivisionWithin("530721", "530600"));
  CHECK_FALSE(DivisionWithin("530600", "530621"));
  CHECK_FALSE(DivisionWithin("530000", "530600"));
  CHECK_FALSE(DivisionWithin("530621", "530621100"));
  CHECK_FALSE(DivisionWithin("530621101001", "530621100"));
  CHECK_FALSE(DivisionWithin("440300", "530000"));
  // Malformed codes are within nothing and contain nothing.
  CHECK_FALSE(DivisionWithin("5306", "530000"));
  CHECK_FALSE(DivisionWithin("530621", "53"));
  CHECK_FALSE(DivisionWithin("530621", ""));
}

TEST_CASE("CountyOf", "[division]") {
  CHECK(CountyOf("530621") == "530621");
  CHECK(CountyOf("530621100") == "530621");
  CHECK(CountyOf("530621100201") == "530621");
}

}  // namespace
}  // namespace fl
