// The catalogue has exactly one row per event type the schema knows, so
// the validator never meets a type without its authorization and division.
#include "ledger/event_catalogue.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "ledger/event_schema.h"

TEST_CASE("one catalogue row per event type of the schema", "[schema]") {
  std::set<std::string> rows;
  for (const fl::EventRow& r : fl::EventCatalogue()) {
    INFO(r.type);
    CHECK(rows.insert(std::string(r.type)).second);
    CHECK(fl::FindEventRow(r.type) == &r);
  }
  const auto& types = fl::EventTypes();
  REQUIRE(types.size() == rows.size());
  for (const std::string& t : types) {
    INFO(t);
    CHECK(rows.count(t) == 1);
  }
  CHECK(fl::FindEventRow("no.such_type") == nullptr);
}

TEST_CASE("catalogue kinds follow EVENTS.md", "[schema]") {
  const fl::EventRow* policy = fl::FindEventRow("policy.set");
  REQUIRE(policy != nullptr);
  CHECK(fl::MaySubmit(*policy, "admin"));
  CHECK_FALSE(fl::MaySubmit(*policy, "finance"));
  const fl::EventRow* milestone = fl::FindEventRow("milestone.accepted");
  REQUIRE(milestone != nullptr);
  CHECK(fl::MaySubmit(*milestone, "provider"));
  CHECK(fl::MaySubmit(*milestone, "civil_affairs"));
  CHECK_FALSE(fl::MaySubmit(*milestone, "auditor"));
  // An empty kind never matches an unused slot.
  CHECK_FALSE(fl::MaySubmit(*policy, ""));
}
