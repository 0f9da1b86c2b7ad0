// CSV exports: BOM, CRLF, quoting, formula guard, yuan beside fen, names
// beside codes, null amounts left empty.
#include <catch2/catch.hpp>

#include "api/console/csv.h"

using fl::Json;
using fl::console::CsvOf;

TEST_CASE("flags as CSV", "[console]") {
  Json page = {{"flags",
                {{{"flag_id", "00112233445566aa"},
                  {"rule", "R13"},
                  {"severity", "high"},
                  {"status", "open"},
                  {"division_code", "530102"},
                  {"amount_fen", -123456},
                  {"subject", "=HYPERLINK(\"x\"),y"},
                  {"evidence", {7, 9}},
                  {"as_of", "2025-01-20"},
                  {"provisional", false}}}},
               {"next_cursor", nullptr}};
  auto csv = CsvOf("/v1/flags", page);
  REQUIRE(csv);
  CHECK(
      csv->starts_with("\xEF\xBB\xBF"
                       "flag_id,rule,severity,status,"
                       "division_code,division_name,amount_yuan,amount_fen,"));
  CHECK(csv->find("\r\n00112233445566aa,R13,high,open,530102,五华区,"
                  "-1234.56,-123456,\"'=HYPERLINK(\"\"x\"\"),y\",7 9,"
                  "2025-01-20,false\r\n") != std::string::npos);
  CHECK(!CsvOf("/v1/ledger", page));
}

TEST_CASE("caps as CSV: a missing base is empty, not zero", "[console]") {
  Json caps = {{"as_of", "2024-12-31"},
               {"counties",
                {{{"division_code", "530102"},
                  {"fiscal_year", 2024},
                  {"R07",
                   {{"numerator", 100},
                    {"pct_bp", 100},
                    {"base_missing", true},
                    {"base", nullptr},
                    {"limit", nullptr},
                    {"headroom", nullptr},
                    {"over", false}}},
                  {"R08",
                   {{"numerator", 250},
                    {"pct_bp", 500},
                    {"base", 10000},
                    {"base_source", "computed"},
                    {"limit", 500},
                    {"headroom", 250},
                    {"over", false},
                    {"provisional", true}}}}}}};
  auto csv = CsvOf("/v1/reports/caps", caps);
  REQUIRE(csv);
  CHECK(csv->find("530102,五华区,2024,1.00,100,,,,,,,100,false,"
                  "2.50,250,100.00,10000,5.00,500,2.50,250,500,false,"
                  "true,computed,true,2024-12-31\r\n") != std::string::npos);
}
