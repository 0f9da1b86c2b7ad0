// The catalogue is the one list of event types: one row each, carrying the
// type's data fields, which the schema checker reads from the row.
#include "ledger/event_catalogue.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "ledger/event_schema.h"

TEST_CASE("one catalogue row per event type; EventTypes() in row order",
          "[schema]") {
  std::set<std::string> seen;
  std::vector<std::string> rows;
  for (const fl::EventRow& r : fl::EventCatalogue()) {
    INFO(r.type);
    CHECK(seen.insert(std::string(r.type)).second);
    CHECK(fl::FindEventRow(r.type) == &r);
    rows.emplace_back(r.type);
  }
  CHECK(fl::EventTypes() == rows);
  CHECK(fl::FindEventRow("no.such_type") == nullptr);
}

TEST_CASE("every row carries a data table", "[schema]") {
  for (const fl::EventRow& r : fl::EventCatalogue()) {
    INFO(r.type);
    auto fields = r.data.fields();
    REQUIRE_FALSE(fields.empty());
    std::set<std::string_view> names;
    for (const fl::Field& f : fields) {
      CHECK_FALSE(f.name.empty());
      CHECK(names.insert(f.name).second);
    }
    // Every slot after the last field is unused.
    for (std::size_t i = fields.size(); i < fl::kMaxRecordFields; ++i) {
      CHECK(r.data.slots[i].name.empty());
    }
  }
}

TEST_CASE("the schema checker reads each type's fields from its row",
          "[schema]") {
  for (const fl::EventRow& r : fl::EventCatalogue()) {
    INFO(r.type);
    std::string first_required;
    for (const fl::Field& f : r.data.fields()) {
      if (!f.optional) {
        first_required = f.name;
        break;
      }
    }
    REQUIRE_FALSE(first_required.empty());
    // The event is checked before the signature, so none is needed here.
    fl::Json envelope = {{"event",
                          {{"id", "e1"},
                           {"type", std::string(r.type)},
                           {"agency", "a1"},
                           {"occurred_at", "2024-01-01T00:00:00Z"},
                           {"data", fl::Json::object()}}}};
    fl::Status s = fl::ValidateEnvelope(envelope);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().reason == "missing_field");
    CHECK(s.error().field == "/event/data/" + first_required);
    // A field its row does not list is unknown.
    envelope["event"]["data"]["no_such_field"] = 1;
    s = fl::ValidateEnvelope(envelope);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().reason == "unknown_field");
    CHECK(s.error().field == "/event/data/no_such_field");
  }
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
