// EVENTS.md "Authorization" (amended 2026-12): write scope covers every
// reference an event makes, not only the division it belongs to; a
// flag.reviewed names its rule and subject; LEDGER.md 1 bounds occurred_at.
// Each refusal is checked to store nothing, and each refused case has an
// in-scope twin that is accepted, so the refusal is about scope alone.
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>

#include "api/http/http_status_map.h"
#include "ledger/entry.h"
#include "ledger/flag_id.h"
#include "test_world.h"

using fl::Json;
using fl::test::World;

namespace {

const std::string kSupplier = fl::test::MakeUscc("52530700MJY12345X");

Json Budget(const std::string& lot, const std::string& division) {
  return {{"allocation_id", lot},         {"fiscal_year", 2024},
          {"fund", "lottery.provincial"}, {"division_code", division},
          {"program", "SWS.OPS"},         {"amount_fen", 10'000'000},
          {"doc_no", "云财社〔2024〕1号"}};
}

Json Station(const std::string& id, const std::string& division) {
  return {{"station_id", id},
          {"name", "社工站"},
          {"division_code", division},
          {"date", "2024-02-01"}};
}

Json Contract(const std::string& id, const std::string& division,
              Json funding_lots, Json stations) {
  Json funding = Json::array();
  for (const auto& lot : funding_lots) {
    funding.push_back({{"allocation_id", lot}, {"amount_fen", 1000}});
  }
  std::int64_t value = 1000 * static_cast<std::int64_t>(funding.size());
  return {{"contract_id", id},
          {"division_code", division},
          {"program", "SWS.OPS"},
          {"supplier_uscc", kSupplier},
          {"procurement_method", "open"},
          {"value_fen", value},
          {"period", {{"start", "2024-04-01"}, {"end", "2024-12-31"}}},
          {"stations", stations},
          {"items", {{{"category", "care"}, {"amount_fen", value}}}},
          {"funding", funding}};
}

Json Payment(const std::string& id, const std::string& lot,
             Json extra = Json::object()) {
  Json p = {
      {"payment_id", id},           {"allocation_id", lot},
      {"payee_uscc", kSupplier},    {"amount_fen", 500},
      {"paid_on", "2024-05-01"},    {"economic_class", "commissioned_services"},
      {"service_category", "care"}, {"purpose", "elderly"},
      {"invoice_no", "No. 1"}};
  p.update(extra);
  return p;
}

Json Review(const std::string& rule, const std::string& subject) {
  return {{"flag_id", fl::FlagId(rule, subject)},
          {"rule", rule},
          {"subject", subject},
          {"status", "dismissed"},
          {"note", "checked"}};
}

// Two prefectures of Yunnan, 昭通 (5306) and 丽江 (5307), each with
// finance, civil affairs and an auditor, a lot, a station, a contract and
// a payment of its own.
struct TwoPrefectures : World {
  TwoPrefectures() {
    AddAgency("cz-5306", "finance", "530600");
    AddAgency("mz-530621", "civil_affairs", "530621");
    AddAgency("sj-5306", "auditor", "530600");
    AddAgency("cz-5307", "finance", "530700");
    AddAgency("mz-5307", "civil_affairs", "530700");
    AddAgency("pv-far", "provider", "530100", kSupplier);
    Must("b-in", "budget.appropriated", "cz-5306", Budget("lot-in", "530621"));
    Must("b-out", "budget.appropriated", "cz-5307",
         Budget("lot-out", "530700"));
    Must("s-in", "station.established", "mz-530621",
         Station("st-in", "530621100"));
    Must("s-out", "station.established", "mz-5307",
         Station("st-out", "530702"));
    Must("c-out", "contract.signed", "mz-5307",
         Contract("ct-out", "530700", {"lot-out"}, {"st-out"}));
    Must("p-out", "payment.made", "mz-5307", Payment("pay-out", "lot-out"));
  }
  void Must(const std::string& id, const std::string& type,
            const std::string& agency, const Json& data,
            const std::string& at = "2024-03-31T08:00:00Z") {
    MustAppend(Envelope(id, type, agency, data, at));
  }
};

struct Refusal {
  std::string name, agency, type;
  Json data;
  std::string code, field;
  int status;
};

void ExpectRefusedAndNothingStored(
    TwoPrefectures& w, const Refusal& c,
    const std::string& occurred_at = "2024-03-31T08:00:00Z") {
  INFO(c.name);
  std::string before = fl::test::DumpDb(w.dir());
  std::uint64_t size = w.ledger().TreeSize();
  static int refused = 0;
  fl::UnitResult r = w.Append(w.Envelope(
      "x-" + std::to_string(++refused), c.type, c.agency, c.data, occurred_at));
  REQUIRE_FALSE(r.ok());
  const fl::Error& e = r.errors.front().error;
  INFO(e.detail);
  CHECK(e.reason == c.code);
  CHECK(e.field == c.field);
  CHECK(fl::http::HttpStatus(e) == c.status);
  CHECK(w.ledger().TreeSize() == size);
  CHECK(fl::test::DumpDb(w.dir()) == before);
}

}  // namespace

TEST_CASE("each reference outside the submitter's division is refused 403",
          "[ledger][scope]") {
  TwoPrefectures w;
  const std::string p = "/event/data/";
  std::vector<Refusal> cases = {
      {"funding lot", "mz-530621", "contract.signed",
       Contract("ct-1", "530621", {"lot-in", "lot-out"}, Json::array()),
       "out_of_scope", p + "funding/1/allocation_id", 403},
      {"contract station", "mz-530621", "contract.signed",
       Contract("ct-1", "530621", {"lot-in"}, {"st-in", "st-out"}),
       "out_of_scope", p + "stations/1", 403},
      {"issue parent",
       "cz-5306",
       "allocation.issued",
       {{"allocation_id", "lot-2"},
        {"parent_allocation_id", "lot-out"},
        {"from_code", "530600"},
        {"to_code", "530621"},
        {"fund", "lottery.provincial"},
        {"program", "SWS.OPS"},
        {"fiscal_year", 2024},
        {"amount_fen", 100},
        {"pass_through", false},
        {"doc_no", "d"}},
       "out_of_scope",
       p + "parent_allocation_id",
       403},
      {"issue target",
       "cz-5306",
       "allocation.issued",
       {{"allocation_id", "lot-2"},
        {"from_code", "530600"},
        {"to_code", "530621"},
        {"fund", "lottery.provincial"},
        {"program", "SWS.OPS"},
        {"fiscal_year", 2024},
        {"amount_fen", 100},
        {"pass_through", true},
        {"targets", {"st-in", "st-out"}},
        {"doc_no", "d"}},
       "out_of_scope",
       p + "targets/1",
       403},
      {"payment lot", "mz-530621", "payment.made", Payment("pay-1", "lot-out"),
       "out_of_scope", p + "allocation_id", 403},
      {"payment contract", "mz-530621", "payment.made",
       Payment("pay-1", "lot-in", {{"contract_id", "ct-out"}}), "out_of_scope",
       p + "contract_id", 403},
      {"payment station", "mz-530621", "payment.made",
       Payment("pay-1", "lot-in", {{"station_id", "st-out"}}), "out_of_scope",
       p + "station_id", 403},
      {"contract follow-up",
       "mz-530621",
       "contract.amended",
       {{"contract_id", "ct-out"}, {"rationale", "r"}},
       "out_of_scope",
       p + "contract_id",
       403},
      {"payment follow-up",
       "mz-530621",
       "payment.reversed",
       {{"payment_id", "pay-out"}, {"reason", "r"}},
       "out_of_scope",
       p + "payment_id",
       403},
      {"station follow-up",
       "mz-530621",
       "station.deregistered",
       {{"station_id", "st-out"}, {"date", "2024-06-01"}},
       "out_of_scope",
       p + "station_id",
       403},
      {"exception on a payment",
       "sj-5306",
       "exception.approved",
       {{"rule", "R04"}, {"ref", "pay-out"}, {"doc_no", "d"}},
       "out_of_scope",
       p + "ref",
       403},
      {"exception on a county-year",
       "sj-5306",
       "exception.approved",
       {{"rule", "R07"}, {"ref", "530702/2024"}, {"doc_no", "d"}},
       "out_of_scope",
       p + "ref",
       403},
      {"review of a payment's flag", "sj-5306", "flag.reviewed",
       Review("R04", "pay-out"), "out_of_scope", p + "subject", 403},
      {"review of a contract's flag", "sj-5306", "flag.reviewed",
       Review("R06", "ct-out"), "out_of_scope", p + "subject", 403},
      {"review of a county-year flag", "sj-5306", "flag.reviewed",
       Review("R08", "530700/2024"), "out_of_scope", p + "subject", 403},
      // Authorization comes before references (API.md order).
      {"out of scope before unknown", "mz-530621", "contract.signed",
       Contract("ct-1", "530621", {"no-such-lot", "lot-out"}, Json::array()),
       "out_of_scope", p + "funding/1/allocation_id", 403},
      {"unknown funding lot", "mz-530621", "contract.signed",
       Contract("ct-1", "530621", {"lot-in", "no-such-lot"}, Json::array()),
       "unknown_reference", p + "funding/1/allocation_id", 422},
      {"review of an unknown subject", "sj-5306", "flag.reviewed",
       Review("R04", "no-such-payment"), "unknown_reference", p + "subject",
       422},
      // R04's subject is a payment: a lot of that name is not its subject.
      {"review names the wrong kind", "sj-5306", "flag.reviewed",
       Review("R04", "lot-in"), "unknown_reference", p + "subject", 422},
  };
  for (const auto& c : cases) ExpectRefusedAndNothingStored(w, c);

  // The in-scope twins are accepted.
  w.Must("ok-1", "contract.signed", "mz-530621",
         Contract("ct-1", "530621", {"lot-in"}, {"st-in"}));
  w.Must("ok-2", "payment.made", "mz-530621",
         Payment("pay-1", "lot-in",
                 {{"contract_id", "ct-1"}, {"station_id", "st-in"}}));
  w.Must("ok-3", "exception.approved", "sj-5306",
         {{"rule", "R07"}, {"ref", "530621/2024"}, {"doc_no", "d"}});
  w.Must("ok-4", "flag.reviewed", "sj-5306", Review("R04", "pay-1"));
  w.Must("ok-5", "flag.reviewed", "sj-5306", Review("R10", "lot-in"));
  w.Must("ok-6", "flag.reviewed", "sj-5306", Review("R16", "st-in"));
  w.Must("ok-7", "payment.reversed", "mz-530621",
         {{"payment_id", "pay-1"}, {"reason", "r"}});
}

TEST_CASE("the deliberate exceptions to write scope are accepted",
          "[ledger][scope]") {
  TwoPrefectures w;
  // Money sent across: 昭通 issues to 丽江, and 丽江 acknowledges it.
  w.Must("i-1", "allocation.issued", "cz-5306",
         {{"allocation_id", "lot-across"},
          {"parent_allocation_id", "lot-in"},
          {"from_code", "530600"},
          {"to_code", "530700"},
          {"fund", "lottery.provincial"},
          {"program", "SWS.OPS"},
          {"fiscal_year", 2024},
          {"amount_fen", 100},
          {"pass_through", false},
          {"doc_no", "d"}});
  w.Must("r-1", "allocation.received", "cz-5307",
         {{"allocation_id", "lot-across"},
          {"received_on", "2024-04-02"},
          {"amount_fen", 100}});
  // A provider registered elsewhere accepts milestones of its own contract.
  w.Must("m-1", "milestone.accepted", "pv-far",
         {{"contract_id", "ct-out"},
          {"milestone_id", "m1"},
          {"accepted_on", "2024-07-01"}});
  // A sanction applies everywhere; payee USCCs are not divisions.
  w.Must("v-1", "vendor.sanctioned", "mz-530621",
         {{"uscc", kSupplier},
          {"list", "失信名单"},
          {"from", "2024-05-01"},
          {"to", "2025-05-01"},
          {"doc_no", "d"}});
  // An exception about something the ledger does not hold (a vendor)
  // belongs to the submitter.
  w.Must("e-1", "exception.approved", "sj-5306",
         {{"rule", "R12"}, {"ref", "vendor-x"}, {"doc_no", "d"}});
  // But the sender may not spend the lot it sent across.
  ExpectRefusedAndNothingStored(w,
                                {"spend sent lot", "mz-530621", "payment.made",
                                 Payment("pay-9", "lot-across"), "out_of_scope",
                                 "/event/data/allocation_id", 403});
}

TEST_CASE("flag.reviewed carries the flag_id of its rule and subject",
          "[ledger][scope]") {
  TwoPrefectures w;
  Json wrong = Review("R04", "pay-out");
  wrong["flag_id"] = fl::FlagId("R05", "pay-out");
  ExpectRefusedAndNothingStored(
      w, {"flag id of another rule", "cz-5307", "flag.reviewed", wrong,
          "invalid_field", "/event/data/flag_id", 400});
  w.Must("ok", "flag.reviewed", "cz-5307", Review("R04", "pay-out"));
}

TEST_CASE("occurred_at lies between 1987 and a day past the ledger's clock",
          "[ledger][scope]") {
  TwoPrefectures w;
  auto at = [](std::chrono::hours ahead) {
    return fl::FormatTimestamp(std::chrono::system_clock::to_time_t(
        std::chrono::system_clock::now() + ahead));
  };
  Refusal c{"dated",
            "cz-5306",
            "budget.appropriated",
            Budget("lot-t", "530621"),
            "invalid_field",
            "/event/occurred_at",
            400};
  for (const std::string& bad :
       {std::string("9999-12-31T23:59:59Z"),
        std::string("1986-12-31T23:59:59Z"), at(std::chrono::hours(25))}) {
    c.name = "dated " + bad;
    ExpectRefusedAndNothingStored(w, c, bad);
  }
  w.Must("t-1", "budget.appropriated", "cz-5306", Budget("lot-t1", "530621"),
         "1987-01-01T00:00:00Z");
  w.Must("t-2", "budget.appropriated", "cz-5306", Budget("lot-t2", "530621"),
         at(std::chrono::hours(23)));
}
