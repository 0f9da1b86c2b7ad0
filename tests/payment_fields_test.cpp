// The one-pass reader of payment.made data against the lookups by name it
// replaced (Str, Int, DateField), on the cases where they could differ.
#include "replay/payment_fields.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "replay/event.h"

namespace fl::replay {
namespace {

void CheckAgainstLookups(const std::string& data_text) {
  INFO(data_text);
  Doc doc;
  REQUIRE(doc.Parse(data_text));
  const Value d = doc.root();
  PaymentFieldIndex index;
  index.Read(d);
  const PaymentFields f = index.Resolve(doc);
  CHECK(f.id == Str(d, "payment_id"));
  CHECK(f.lot == Str(d, "allocation_id"));
  CHECK(f.payee == Str(d, "payee_uscc"));
  CHECK(f.economic_class == Str(d, "economic_class"));
  CHECK(f.service_category == Str(d, "service_category"));
  CHECK(f.purpose == Str(d, "purpose"));
  CHECK(f.invoice == Str(d, "invoice_no"));
  CHECK(f.contract == Str(d, "contract_id"));
  CHECK(f.milestone == Str(d, "milestone_id"));
  CHECK(f.station == Str(d, "station_id"));
  CHECK(f.amount == Int(d, "amount_fen"));
  CHECK(f.paid_on == DateField(d, "paid_on"));
}

}  // namespace

TEST_CASE("Payment fields read in one pass equal the lookups by name",
          "[replay][doc]") {
  const std::vector<std::string> cases = {
      // Every field, in canonical (sorted) order.
      R"({"allocation_id":"a1","amount_fen":500,"contract_id":"c1",)"
      R"("economic_class":"goods","invoice_no":"INV-1","milestone_id":"m1",)"
      R"("paid_on":"2024-03-31","payee_uscc":"91530102MA248658J3",)"
      R"("payment_id":"p1","purpose":"elderly","service_category":"care",)"
      R"("station_id":"st1"})",
      // Out of order, escapes in values and in a name, a repeated name
      // (the first wins, as with operator[]), wrong types, a bad date.
      R"({"station_id":"s\"1","payment_id":"p\u00e92","payment_id":"p3",)"
      R"("amount_fen":"12","paid_on":"2024-02-30","purpose":7,)"
      R"("invoice\u005fno":"INV\\2","lot":"not a field"})",
      // Nothing the reader knows; an empty object.
      R"({"other":{"payment_id":"nested"},"list":["payment_id"]})", R"({})",
      // Not an object at all.
      R"([1,2])", R"("payment_id")"};
  for (const auto& c : cases) CheckAgainstLookups(c);
}

TEST_CASE("Only payment.made events carry payment fields", "[replay][doc]") {
  Doc doc;
  REQUIRE(doc.Parse(R"({"payment_id":"p1","amount_fen":3})"));
  PaymentFieldIndex index;
  index.Read(doc.root());
  CHECK(index.Resolve(doc).id == "p1");
  // Reading another event's data (or none) clears what was there.
  index.Read(Value());
  const PaymentFields f = index.Resolve(doc);
  CHECK(f.id.empty());
  CHECK(f.amount == 0);
  CHECK(f.paid_on == kNoDay);
}

TEST_CASE("An Event's payment fields view its own doc after a copy or move",
          "[replay][doc]") {
  auto first = std::make_unique<Event>();
  first->type = "payment.made";
  // An escaped value: its bytes live in the doc's unescaped strings, not in
  // the text.
  REQUIRE(first->doc.Parse(
      R"({"data":{"payment_id":"p\u00e91","allocation_id":"lot-7"}})"));
  const Value data = first->doc.root()["data"];
  first->data_node = data.index();
  first->payment_index.Read(data);
  first->ResolvePayment();
  REQUIRE(first->payment().id == "p\u00e91");

  Event copy = *first;
  CHECK(copy.payment().id.data() != first->payment().id.data());
  CHECK(copy.payment().lot.data() != first->payment().lot.data());
  Event assigned;
  assigned = *first;
  first.reset();  // the views of a copy must not point into this one
  CHECK(copy.payment().id == "p\u00e91");
  CHECK(copy.payment().lot == "lot-7");
  CHECK(assigned.payment().lot == "lot-7");

  Event moved = std::move(copy);
  copy = Event();  // the moved-from event is reused, as the fold does
  CHECK(moved.payment().id == "p\u00e91");
  CHECK(moved.payment().lot == "lot-7");
  CHECK(copy.payment().id.empty());
}

}  // namespace fl::replay
