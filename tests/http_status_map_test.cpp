// The one (Code, reason) -> HTTP table against API.md's own status table,
// read from the spec at test time so the two cannot drift apart.
#include "api/http/http_status_map.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace {

// reason -> status from the rows of "Status codes for bad input".
std::map<std::string, int> ApiTable() {
  std::ifstream in(std::string(FL_VECTORS_DIR) + "/../spec/API.md");
  REQUIRE(in.good());
  std::map<std::string, int> out;
  std::string line;
  bool in_table = false;
  const std::regex row(R"(^\| (\d{3}) \| (.*?) \|)");
  const std::regex tick("`([a-z_]+)`");
  while (std::getline(in, line)) {
    if (line.starts_with("### Status codes")) in_table = true;
    if (!in_table) continue;
    if (line.starts_with("## ")) break;
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    int status = std::stoi(m[1].str());
    std::string codes = m[2].str();
    for (std::sregex_iterator it(codes.begin(), codes.end(), tick), end;
         it != end; ++it) {
      out[(*it)[1].str()] = status;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("every reason of API.md's status table maps to its status",
          "[status]") {
  auto api = ApiTable();
  // The table has rows for 400..503; a parse that found few would pass
  // vacuously.
  REQUIRE(api.size() >= 24);
  std::map<std::string, const fl::http::ReasonStatus*> rows;
  for (const auto& r : fl::http::ReasonStatusTable()) {
    INFO(r.reason);
    CHECK(rows.emplace(std::string(r.reason), &r).second);  // no duplicates
  }
  for (const auto& [reason, status] : api) {
    INFO(reason);
    REQUIRE(rows.count(reason) == 1);
    CHECK(rows[reason]->status == status);
    CHECK(fl::http::HttpStatus(rows[reason]->code, reason) == status);
    // The edge answers by reason even when the core picked another Code.
    CHECK(fl::http::HttpStatus(fl::Code::kInternal, reason) == status);
  }
}

TEST_CASE("a Code without a reason row gets its default status", "[status]") {
  using fl::Code;
  CHECK(fl::http::HttpStatus(fl::DataLoss("row")) == 500);
  CHECK(fl::http::HttpStatus(fl::Internal("bug")) == 500);
  CHECK(fl::http::HttpStatus(Code::kInvalidArgument, "bad_checkpoint") == 400);
  CHECK(fl::http::HttpStatus(Code::kConflict, "already_exists") == 409);
  CHECK(fl::http::HttpStatus(Code::kUnavailable, "unavailable") == 503);
  // Each row's own Code defaults to a 4xx/5xx of the same family as its
  // status, so a reason dropped from the table degrades gracefully.
  for (const auto& r : fl::http::ReasonStatusTable()) {
    INFO(r.reason);
    int d = fl::http::DefaultHttpStatus(r.code);
    CHECK(d / 100 == r.status / 100);
  }
}
