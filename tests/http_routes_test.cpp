// The router's route table and docs/openapi.json describe the same routes.
#include <catch2/catch.hpp>
#include <cctype>
#include <set>
#include <utility>

#include "api/http/http_router.h"
#include "ledger/canonical_json.h"
#include "test_util.h"

using fl::Json;

TEST_CASE("route table and docs/openapi.json name the same routes", "[http]") {
  Json doc = Json::parse(
      fl::test::ReadFile(std::string(FL_SOURCE_DIR) + "/docs/openapi.json"));
  CHECK(doc.at("openapi").get<std::string>().starts_with("3.1"));
  std::set<std::pair<std::string, std::string>> documented, routed;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(c));
      documented.emplace(upper, path);
      CHECK(op.contains("responses"));
    }
  }
  for (const auto& r : fl::http::RouteTable()) {
    routed.emplace(std::string(r.method), std::string(r.path));
  }
  CHECK(documented == routed);
  CHECK(routed.size() == fl::http::RouteTable().size());  // no duplicates
}

TEST_CASE("route matching: templates, methods, queries", "[http]") {
  auto m = fl::http::MatchRoute("GET", "/v1/entries/42");
  REQUIRE(m.route);
  CHECK(m.route->path == "/v1/entries/{seq}");
  CHECK(m.params.at("seq") == "42");
  CHECK(fl::http::MatchRoute("GET", "/v1/entries/").route == nullptr);
  CHECK(fl::http::MatchRoute("POST", "/v1/events:batch").route->path ==
        "/v1/events:batch");
  auto wrong = fl::http::MatchRoute("PUT", "/v1/events");
  CHECK(wrong.route == nullptr);
  CHECK(wrong.allow == "POST");
  auto q = fl::http::ParseQuery("a=1&b=%2Fx+y&c&a=2&bad=%zz");
  CHECK(q.at("a") == "2");
  CHECK(q.at("b") == "/x y");
  CHECK(q.at("c").empty());
  CHECK(q.at("bad") == "%zz");
}
