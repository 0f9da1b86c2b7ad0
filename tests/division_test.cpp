#include "ledger/division.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

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

TEST_CASE("ScopePrefixes and ScopesContaining", "[division]") {
  using V = std::vector<std::string_view>;
  CHECK(ScopePrefixes("530621") == V{"", "53", "5306", "530621"});
  CHECK(ScopePrefixes("530621100201") ==
        V{"", "53", "5306", "530621", "530621100", "530621100201"});
  CHECK(ScopePrefixes("5306").empty());
  CHECK(ScopesContaining("53062x").empty());
  const std::vector<std::string> county = ScopesContaining("530621");
  CHECK(county.size() == 12);
  for (const char* s : {"000000", "530000000", "530600000000", "530621"})
    CHECK(std::find(county.begin(), county.end(), s) != county.end());
  // Against DivisionWithin, over codes rich in the zeros DivisionPrefix
  // drops: s holds c exactly when s is one of ScopesContaining(c).
  std::vector<std::string> codes;
  for (const char* six : {"000000", "530000", "530600", "530621", "530601",
                          "530021", "500000", "530620", "440300"}) {
    codes.push_back(six);
    for (const char* nine : {"000", "100", "001", "010"}) {
      codes.push_back(std::string(six) + nine);
      for (const char* twelve : {"000", "201", "200", "002"})
        codes.push_back(std::string(six) + nine + twelve);
    }
  }
  int within = 0;
  for (const std::string& c : codes) {
    const std::vector<std::string> holders = ScopesContaining(c);
    CHECK(std::set<std::string>(holders.begin(), holders.end()).size() ==
          holders.size());
    for (const std::string& s : codes) {
      const bool listed =
          std::find(holders.begin(), holders.end(), s) != holders.end();
      INFO(c << " in " << s);
      CHECK(listed == DivisionWithin(c, s));
      within += listed;
    }
    for (const std::string& s : holders) {
      INFO(s << " holds " << c);
      CHECK(DivisionWithin(c, s));
    }
  }
  CHECK(within > static_cast<int>(codes.size()));  // not all trivial
}

TEST_CASE("CountyOf", "[division]") {
  CHECK(CountyOf("530621") == "530621");
  CHECK(CountyOf("530621100") == "530621");
  CHECK(CountyOf("530621100201") == "530621");
}

}  // namespace
}  // namespace fl
