// GB/T 2260 names from the pinned package: the fixture's Yunnan codes
// resolve, levels are padded as the ledger writes them, unknown codes stand
// for themselves.
#include "api/console/division_names.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "test_util.h"

using fl::console::DivisionLabel;
using fl::console::DivisionName;

TEST_CASE("division names: provinces, prefectures, counties, townships",
          "[console]") {
  CHECK(DivisionName("530000") == "云南省");
  CHECK(DivisionName("530100") == "昆明市");
  CHECK(DivisionName("530102") == "五华区");
  CHECK(DivisionName("530102001") == "华山街道");
  CHECK(DivisionName("530102001001") == "华山街道");  // village -> township
  CHECK(DivisionName("999999").empty());
  CHECK(DivisionName("").empty());
  CHECK(DivisionLabel("530100") == "昆明市 (530100)");
  CHECK(DivisionLabel("999999") == "999999");
  auto yunnan = fl::console::DivisionsWithPrefix("5301");
  REQUIRE(!yunnan.empty());
  CHECK(yunnan.front().first == "530100");
  for (const auto& [code, name] : yunnan) CHECK(code.starts_with("5301"));
}

TEST_CASE("every prefecture and county the fixture names resolves to its name",
          "[console]") {
  // fixtures/generate.py lists ("530102", "五华区") pairs from the NBS list
  // of 2022-10-31; the package's list is of 2023-06-30.
  std::string file =
      fl::test::ReadFile(std::string(FL_SOURCE_DIR) + "/fixtures/generate.py");
  // Only its PREFECTURES table: other tuples pair codes with providers.
  const std::size_t from = file.find("\nPREFECTURES = [");
  REQUIRE(from != std::string::npos);
  std::string src = file.substr(from, file.find("\n]", from) - from);
  std::regex pair(R"re(\("(53[0-9]{4})", "([^"]+)")re");
  int checked = 0;
  for (std::sregex_iterator it(src.begin(), src.end(), pair), end; it != end;
       ++it) {
    INFO((*it)[1].str());
    CHECK(DivisionName((*it)[1].str()) == (*it)[2].str());
    ++checked;
  }
  CHECK(checked > 100);
}
