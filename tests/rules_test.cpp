// Every rule of RULES.md: at least one case that must be flagged and one
// near miss that must not, over a real ledger and the real worker.
#include <catch2/catch.hpp>

#include "crypto/encoding.h"
#include "crypto/sha256.h"
#include "rule_world.h"

namespace fl::test {
namespace {

const char* kCounty = "530102";   // 五华区, Kunming
const char* kCounty2 = "530302";  // 麒麟区, Qujing

std::string Gov(const char* body) { return MakeUscc(std::string("11") + body); }

// The lottery SWS.OPS lot most tests spend from.
void OpsLot(RuleWorld& w, const std::string& id = "L-ops",
            const char* county = kCounty) {
  w.Budget(id, "lottery.provincial", "SWS.OPS", county, 50'000'000,
           "2024-01-05");
}

// An office-equipment payment from `lot` naming station `st` (R10, R16).
void PayStation(RuleWorld& w, const char* id, const char* lot, std::int64_t amt,
                const char* st, const char* on) {
  w.Pay(id, lot, amt, on,
        {{"service_category", "office_equipment"}, {"station_id", st}});
}

}  // namespace

TEST_CASE("flag ids are SHA-256 of rule|subject", "[rules]") {
  RuleWorld w;
  OpsLot(w);
  w.Contract("C1", kCounty, "SWS.OPS", "L-ops", 1'000'000, "2024-02-01",
             "2024-12-31");
  w.Pay("P1", "L-ops", 1000, "2024-03-01",
        {{"contract_id", "C1"}, {"economic_class", "staff_salary"}});
  Json f = w.FlagOf("R04", "P1", "2024-12-31");
  REQUIRE(f.is_object());
  Hash h = Sha256("R04|P1");
  CHECK(f["flag_id"] == HexEncode(AsBytes(h)).substr(0, 16));
  CHECK(f["severity"] == "high");
  CHECK(f["status"] == "open");
  CHECK(f["division_code"] == kCounty);
  CHECK(f["amount_fen"] == 1000);
  CHECK(f["as_of"] == "2024-12-31");
  CHECK(f["provisional"] == false);
}

TEST_CASE("R01 diversion: lot program, unnamed lot, unapproved transfer",
          "[rules][R01]") {
  RuleWorld w;
  OpsLot(w);
  w.Budget("L-setup", "lottery.provincial", "SWS.SETUP", kCounty, 5'000'000,
           "2024-01-05");
  w.Budget("L-ops2", "lottery.provincial", "SWS.OPS", kCounty, 5'000'000,
           "2024-01-05");
  w.Contract("C1", kCounty, "SWS.OPS", "L-ops", 1'000'000, "2024-02-01",
             "2024-12-31");
  w.Pay("P-ok", "L-ops", 100'000, "2024-03-01", {{"contract_id", "C1"}});
  w.Pay("P-prog", "L-setup", 100'000, "2024-03-02", {{"contract_id", "C1"}});
  w.Pay("P-unnamed", "L-ops2", 100'000, "2024-03-03", {{"contract_id", "C1"}});
  w.Add("funds.transferred",
        {{"allocation_id", "L-ops2"},
         {"new_allocation_id", "L-moved"},
         {"to_fund", "general_budget"},
         {"to_program", "SWS.OPS"},
         {"amount_fen", 1'000'000}},
        "2024-04-01");
  w.Add("funds.transferred",
        {{"allocation_id", "L-ops2"},
         {"new_allocation_id", "L-approved"},
         {"to_fund", "general_budget"},
         {"to_program", "SWS.OPS"},
         {"amount_fen", 1'000'000},
         {"approval_doc", "云财社〔2024〕12号"}},
        "2024-04-02");
  w.Add("funds.transferred",
        {{"allocation_id", "L-ops2"},
         {"new_allocation_id", "L-same"},
         {"to_fund", "lottery.provincial"},
         {"to_program", "SWS.OPS"},
         {"amount_fen", 1'000'000}},
        "2024-04-03");
  Json a = w.FlagOf("R01", "P-prog", "2024-06-30");
  REQUIRE(a.is_object());
  CHECK(a["severity"] == "critical");
  CHECK(a["amount_fen"] == 100'000);
  CHECK(w.FlagOf("R01", "P-unnamed", "2024-06-30").is_object());
  CHECK(w.FlagOf("R01", "L-moved", "2024-06-30")["severity"] == "critical");
  CHECK(w.FlagOf("R01", "P-ok", "2024-06-30").is_null());
  CHECK(w.FlagOf("R01", "L-approved", "2024-06-30").is_null());
  CHECK(w.FlagOf("R01", "L-same", "2024-06-30").is_null());
  CHECK(w.FlagsOf("R01", "2024-06-30").size() == 3);
}

TEST_CASE("R02 retention: pass-down after day 30, held, and in transit",
          "[rules][R02]") {
  RuleWorld w;
  // Prefecture level (530100, N = 30).
  w.Issue("P-ontime", "", "530000", "530100", "lottery.central", "SWS.OPS",
          3'000'000, true, "2024-02-20");
  w.Receive("P-ontime", 3'000'000, "2024-03-01");
  w.Issue("P-late", "", "530000", "530100", "lottery.central", "SWS.OPS",
          3'800'000, true, "2024-02-20");
  w.Receive("P-late", 3'800'000, "2024-03-01");
  // Day 30 after receipt is within the limit (inclusive).
  w.Issue("C-ontime", "P-ontime", "530100", kCounty, "lottery.central",
          "SWS.OPS", 3'000'000, false, "2024-03-31");
  w.Receive("C-ontime", 3'000'000, "2024-04-02");
  // Day 31, and only 3,000,000 of 3,800,000: 800,000 still held.
  w.Issue("C-late", "P-late", "530100", kCounty, "lottery.central", "SWS.OPS",
          3'000'000, false, "2024-04-01");
  w.Receive("C-late", 3'000'000, "2024-04-03");
  // In transit: issued to the prefecture, received 31 days later.
  w.Issue("T-slow", "", "530000", "530300", "lottery.central", "SWS.OPS",
          1'000'000, false, "2024-01-10");
  w.Receive("T-slow", 1'000'000, "2024-02-10");
  // A county (N = 60): received on day 60.
  w.Issue("T-county", "", "530000", kCounty2, "lottery.central", "SWS.OPS",
          1'000'000, false, "2024-01-10");
  w.Receive("T-county", 1'000'000, "2024-03-10");

  Json late = w.FlagOf("R02", "P-late", "2024-04-15");
  REQUIRE(late.is_object());
  CHECK(late["severity"] == "high");
  CHECK(late["amount_fen"] == 3'800'000);  // 3,000,000 late + 800,000 held
  CHECK(late["division_code"] == "530100");
  CHECK(w.FlagOf("R02", "P-ontime", "2024-04-15").is_null());
  CHECK(w.FlagOf("R02", "T-slow", "2024-04-15")["amount_fen"] == 1'000'000);
  CHECK(w.FlagOf("R02", "T-county", "2024-04-15").is_null());
  CHECK(w.FlagOf("R02", "C-ontime", "2024-04-15").is_null());
  // Held more than 90 days: critical.
  CHECK(w.FlagOf("R02", "P-late", "2024-06-15")["severity"] == "critical");
}

TEST_CASE("R02 policy.set moves N for a division from its date",
          "[rules][R02][policy]") {
  RuleWorld w;
  w.Add("policy.set",
        {{"rule", "R02"},
         {"scope", "530300"},
         {"params", {{"N", 45}}},
         {"effective_from", "2024-01-01"}},
        "2023-12-20");
  for (const char* to : {"530100", "530300"}) {
    std::string id = std::string("T-") + to;
    w.Issue(id, "", "530000", to, "lottery.central", "SWS.OPS", 1'000'000,
            false, "2024-01-10");
    w.Receive(id, 1'000'000, "2024-02-20");  // day 41
  }
  CHECK(w.FlagOf("R02", "T-530100", "2024-03-01").is_object());
  CHECK(w.FlagOf("R02", "T-530300", "2024-03-01").is_null());
}

TEST_CASE("R03 idle funds after 365 days, not when committed", "[rules][R03]") {
  RuleWorld w;
  w.Budget("L-idle", "lottery.provincial", "SWS.OPS", kCounty, 2'190'000,
           "2024-01-05");
  w.Budget("L-busy", "lottery.provincial", "SWS.OPS", kCounty2, 1'000'000,
           "2024-01-05");
  w.Contract("C-busy", kCounty2, "SWS.OPS", "L-busy", 1'000'000, "2024-02-01",
             "2024-12-31");
  w.Pay("P-idle", "L-idle", 190'000, "2024-02-01");
  CHECK(w.FlagOf("R03", "L-idle", "2025-01-04").is_null());  // day 365
  Json f = w.FlagOf("R03", "L-idle", "2025-01-05");          // day 366
  REQUIRE(f.is_object());
  CHECK(f["severity"] == "medium");
  CHECK(f["amount_fen"] == 2'000'000);
  CHECK(w.FlagOf("R03", "L-idle", "2026-01-06")["severity"] == "high");
  CHECK(w.FlagOf("R03", "L-busy", "2025-02-10").is_null());
}

TEST_CASE("R04 crowding-out: forbidden class, government payee",
          "[rules][R04]") {
  RuleWorld w;
  OpsLot(w);
  w.Budget("L-gen", "general_budget", "SWS.OPS", kCounty, 5'000'000,
           "2024-01-05");
  const std::string gov = Gov("530102MB0000001");
  w.Contract("C-gov", kCounty, "SWS.OPS", "L-ops", 1'000'000, "2024-02-01",
             "2024-12-31", {{"supplier_uscc", gov}});
  w.Pay("P-salary", "L-ops", 50'000, "2024-03-01",
        {{"economic_class", "staff_salary"}});
  w.Pay("P-gov", "L-ops", 60'000, "2024-03-02", {{"payee_uscc", gov}});
  w.Pay("P-supplier", "L-ops", 70'000, "2024-03-03",
        {{"payee_uscc", gov}, {"contract_id", "C-gov"}});
  w.Pay("P-general", "L-gen", 80'000, "2024-03-04",
        {{"economic_class", "staff_salary"}});
  CHECK(w.FlagOf("R04", "P-salary", "2024-06-30")["severity"] == "high");
  CHECK(w.FlagOf("R04", "P-gov", "2024-06-30").is_object());
  CHECK(w.FlagOf("R04", "P-supplier", "2024-06-30").is_null());
  CHECK(w.FlagOf("R04", "P-general", "2024-06-30").is_null());
}

TEST_CASE("R05 out of scope: category, period, station; high past 10%",
          "[rules][R05]") {
  RuleWorld w;
  w.Budget("L-setup", "lottery.provincial", "SWS.SETUP", kCounty, 9'000'000,
           "2024-01-05");
  OpsLot(w);
  w.Station("st-530102001", "530102001", "2024-01-10");
  w.Station("st-530102002", "530102002", "2024-01-10");
  w.Contract("C1", kCounty, "SWS.OPS", "L-ops", 1'000'000, "2024-02-01",
             "2024-06-30", {{"stations", {"st-530102001"}}});
  w.Pay("P-tour", "L-setup", 30'000, "2024-03-01",
        {{"service_category", "study_tour"}});
  w.Pay("P-printer", "L-setup", 30'000, "2024-03-01",
        {{"service_category", "office_equipment"}});
  w.Pay("P-inside", "L-ops", 50'000, "2024-06-30",
        {{"contract_id", "C1"}, {"station_id", "st-530102001"}});
  w.Pay("P-after", "L-ops", 50'000, "2024-07-01", {{"contract_id", "C1"}});
  w.Pay("P-station", "L-ops", 60'000, "2024-05-01",
        {{"contract_id", "C1"}, {"station_id", "st-530102002"}});
  CHECK(w.FlagOf("R05", "P-tour", "2024-12-31")["severity"] == "medium");
  CHECK(w.FlagOf("R05", "P-printer", "2024-12-31").is_null());
  CHECK(w.FlagOf("R05", "P-inside", "2024-12-31").is_null());
  CHECK(w.FlagOf("R05", "P-after", "2024-12-31")["severity"] == "medium");
  // 50,000 + 60,000 = 11% of 1,000,000: the second is high.
  CHECK(w.FlagOf("R05", "P-station", "2024-12-31")["severity"] == "high");
}

// A contract's stations are looked up through a sorted index that is
// not stored: it must be rebuilt when a restarted worker loads the
// contract, or the payments applied after the restart are misjudged.
TEST_CASE("R05 station coverage among many, before and after a restart",
          "[rules][R05]") {
  RuleWorld w;
  OpsLot(w);
  for (const char* code : {"530102001", "530102002", "530102003", "530102004"})
    w.Station(std::string("st-") + code, code, "2024-01-10");
  // Not in sorted order, so an index that kept the given order would miss.
  w.Contract("C1", kCounty, "SWS.OPS", "L-ops", 10'000'000, "2024-02-01",
             "2024-12-31",
             {{"stations", {"st-530102003", "st-530102001", "st-530102002"}}});
  auto pay = [&](const char* id, const char* code, const char* on) {
    w.Pay(id, "L-ops", 50'000, on,
          {{"contract_id", "C1"}, {"station_id", std::string("st-") + code}});
  };
  pay("P-2", "530102002", "2024-03-01");
  pay("P-4", "530102004", "2024-03-01");
  CHECK(w.FlagOf("R05", "P-2", "2024-12-31").is_null());
  CHECK(w.FlagOf("R05", "P-4", "2024-12-31")["severity"] == "medium");
  w.Restart();
  pay("P-1", "530102001", "2024-04-01");
  pay("P-3", "530102003", "2024-04-01");
  pay("P-4b", "530102004", "2024-04-01");
  CHECK(w.FlagOf("R05", "P-1", "2024-12-31").is_null());
  CHECK(w.FlagOf("R05", "P-3", "2024-12-31").is_null());
  CHECK(w.FlagOf("R05", "P-4b", "2024-12-31")["severity"] == "medium");
  CHECK(w.FlagsOf("R05", "2024-12-31").size() == 2);
}

TEST_CASE("R06 forbidden purchase items", "[rules][R06]") {
  RuleWorld w;
  OpsLot(w);
  w.Contract("C-bad", kCounty, "SWS.OPS", "L-ops", 1'000'000, "2024-02-01",
             "2024-12-31",
             {{"items",
               {{{"category", "care"}, {"amount_fen", 700'000}},
                {{"category", "admin.approval"}, {"amount_fen", 300'000}}}}});
  w.Contract(
      "C-ok", kCounty, "SWS.OPS", "L-ops", 1'000'000, "2024-02-01",
      "2024-12-31",
      {{"items", {{{"category", "means_test"}, {"amount_fen", 1'000'000}}}}});
  Json f = w.FlagOf("R06", "C-bad", "2024-12-31");
  REQUIRE(f.is_object());
  CHECK(f["severity"] == "high");
  CHECK(f["amount_fen"] == 300'000);
  CHECK(w.FlagOf("R06", "C-ok", "2024-12-31").is_null());
}

TEST_CASE("R07 1% of last year's declared pooled total", "[rules][R07]") {
  RuleWorld w;
  for (const char* c : {kCounty, kCounty2, "530103"}) {
    w.Budget(std::string("A-") + c, "assistance.work_funds",
             "ASSIST.PURCHASED_SERVICE", c, 50'000'000, "2024-01-05");
  }
  // Base 240,000,000 fen for 2023 -> cap 2,400,000 in 2024 (埇桥's shape).
  w.Add("cap_base.declared",
        {{"kind", "assistance_pooled_total"},
         {"division_code", kCounty},
         {"fiscal_year", 2023},
         {"amount_fen", 240'000'000},
         {"doc_no", "a"}},
        "2024-01-10");
  w.Add("cap_base.declared",
        {{"kind", "assistance_pooled_total"},
         {"division_code", kCounty2},
         {"fiscal_year", 2023},
         {"amount_fen", 240'000'000},
         {"doc_no", "b"}},
        "2024-01-10");
  // A township's payment counts in its county; lottery money does not.
  w.Budget("L-town", "assistance.work_funds", "ASSIST.PURCHASED_SERVICE",
           "530102001", 5'000'000, "2024-01-05");
  w.Pay("P1", std::string("A-") + kCounty, 2'000'000, "2024-03-01",
        {{"service_category", "screening"}});
  w.Pay("P2", "L-town", 400'001, "2024-04-01",
        {{"service_category", "screening"}});
  w.Pay("P3", std::string("A-") + kCounty2, 2'400'000, "2024-03-01",
        {{"service_category", "screening"}});
  w.Pay("P4", std::string("A-530103"), 9'000'000, "2024-03-01",
        {{"service_category", "screening"}});
  Json f = w.FlagOf("R07", std::string(kCounty) + "/2024", "2024-12-31");
  REQUIRE(f.is_object());
  CHECK(f["severity"] == "medium");
  CHECK(f["amount_fen"] == 1);
  CHECK(w.FlagOf("R07", std::string(kCounty2) + "/2024", "2024-12-31")
            .is_null());  // exactly 1% is within the cap
  CHECK(w.FlagOf("R07", "530103/2024", "2024-12-31").is_null());  // no base
  // The cap report shows the missing base.
  replay::CapQuery q;
  q.as_of = "2024-12-31";
  auto report = w.projections().Caps(q);
  REQUIRE(report.ok());
  bool saw_missing = false;
  for (const auto& row : (*report)["counties"]) {
    if (row["division_code"] == "530103") {
      saw_missing = row["R07"]["base_missing"] == true;
    }
    if (row["division_code"] == kCounty) {
      CHECK(row["R07"]["limit"] == 2'400'000);
      CHECK(row["R07"]["headroom"] == -1);
    }
  }
  CHECK(saw_missing);
}

TEST_CASE("R08 5% of hardship expenditure; provisional until closed",
          "[rules][R08]") {
  RuleWorld w;
  for (const char* c : {kCounty, kCounty2}) {
    std::string b = std::string("B-") + c, s = std::string("S-") + c;
    w.Budget(b, "assistance.hardship_subsidy", "ASSIST.BENEFIT", c, 50'000'000,
             "2024-01-05");
    w.Budget(s, "assistance.hardship_subsidy", "ASSIST.PURCHASED_SERVICE", c,
             5'000'000, "2024-01-05");
    w.Pay(std::string("PB-") + c, b, 19'000'000, "2024-02-01",
          {{"service_category", "benefit_payment"},
           {"economic_class", "benefit"},
           {"purpose", "hardship"}});
  }
  w.Pay("PS-over", std::string("S-") + kCounty, 1'000'001, "2024-03-01",
        {{"service_category", "screening"}});
  w.Pay("PS-exact", std::string("S-") + kCounty2, 1'000'000, "2024-03-01",
        {{"service_category", "screening"}});
  const std::string subject = std::string(kCounty) + "/2024";
  Json f = w.FlagOf("R08", subject, "2024-12-31");
  REQUIRE(f.is_object());
  CHECK(f["severity"] == "info");
  CHECK(f["provisional"] == true);
  CHECK(
      w.FlagOf("R08", std::string(kCounty2) + "/2024", "2024-12-31").is_null());
  w.Add("fiscal_year.closed",
        {{"division_code", "530100"}, {"fiscal_year", 2024}}, "2025-01-20");
  Json closed = w.FlagOf("R08", subject, "2025-01-31");
  CHECK(closed["severity"] == "medium");
  CHECK(closed["provisional"] == false);
}

TEST_CASE("R09 split procurement over the threshold", "[rules][R09]") {
  RuleWorld w;
  w.Budget("L-big", "lottery.provincial", "SWS.OPS", kCounty, 900'000'000,
           "2024-01-05");
  w.Budget("L-big2", "lottery.provincial", "SWS.OPS", kCounty2, 900'000'000,
           "2024-01-05");
  // 80万 + 70万 + 90万 single-source: 240万 > 200万.
  int n = 0;
  for (std::int64_t v : {80'000'000, 70'000'000, 90'000'000}) {
    w.Contract("C-split-" + std::to_string(++n), kCounty, "SWS.OPS", "L-big", v,
               "2024-02-01", "2024-12-31", {{"procurement_method", "direct"}});
  }
  // Near miss: one of the three was open, 150万 non-open.
  n = 0;
  for (auto [v, m] : std::vector<std::pair<std::int64_t, const char*>>{
           {80'000'000, "direct"},
           {70'000'000, "limited"},
           {90'000'000, "open"}}) {
    w.Contract("C-mixed-" + std::to_string(++n), kCounty2, "SWS.OPS", "L-big2",
               v, "2024-02-01", "2024-12-31", {{"procurement_method", m}});
  }
  Json f = w.FlagOf("R09", std::string(kCounty) + "/2024/SWS.OPS/care",
                    "2024-12-31");
  REQUIRE(f.is_object());
  CHECK(f["severity"] == "high");
  CHECK(f["amount_fen"] == 240'000'000);
  CHECK(f["evidence"].size() == 3);
  CHECK(w.FlagsOf("R09", "2024-12-31").size() == 1);
}

TEST_CASE("R09 threshold from policy.set for a prefecture",
          "[rules][R09][policy]") {
  RuleWorld w;
  w.Add("policy.set",
        {{"rule", "R09"},
         {"scope", "530100"},
         {"params", {{"threshold", 100'000'000}}},
         {"effective_from", "2024-01-01"}},
        "2023-12-01");
  for (const char* c : {kCounty, kCounty2}) {
    std::string lot = std::string("L-") + c;
    w.Budget(lot, "lottery.provincial", "SWS.OPS", c, 900'000'000,
             "2024-01-05");
    w.Contract(std::string("C-") + c, c, "SWS.OPS", lot, 150'000'000,
               "2024-02-01", "2024-12-31", {{"procurement_method", "direct"}});
  }
  CHECK(
      w.FlagOf("R09", std::string(kCounty) + "/2024/SWS.OPS/care", "2024-12-31")
          .is_object());
  CHECK(w.FlagOf("R09", std::string(kCounty2) + "/2024/SWS.OPS/care",
                 "2024-12-31")
            .is_null());
}

TEST_CASE("R10 targets: a station outside them, a target short at deadline",
          "[rules][R10]") {
  RuleWorld w;
  for (const char* s : {"st-1", "st-2", "st-3"})
    w.Station(s, "532801101", "2024-01-02");
  Json targets = {{"targets", {"st-1", "st-2"}},
                  {"min_per_target_fen", 2'000'000},
                  {"deadline", "2024-06-30"}};
  for (const char* lot : {"R-out", "R-short", "R-ok"}) {
    w.Issue(lot, "", "530000", "532801", "lottery.provincial", "SWS.SETUP",
            4'000'000, false, "2024-01-10", targets);
    w.Receive(lot, 4'000'000, "2024-01-20");
  }
  PayStation(w, "o1", "R-out", 2'000'000, "st-1", "2024-03-01");
  PayStation(w, "o2", "R-out", 2'000'000, "st-3", "2024-03-01");
  PayStation(w, "s1", "R-short", 2'000'000, "st-1", "2024-03-01");
  PayStation(w, "s2", "R-short", 1'999'999, "st-2", "2024-03-01");
  PayStation(w, "k1", "R-ok", 1'000'000, "st-1", "2024-03-01");  // two tranches
  PayStation(w, "k2", "R-ok", 1'000'000, "st-1", "2024-06-30");
  PayStation(w, "k3", "R-ok", 2'000'000, "st-2", "2024-04-01");
  CHECK(w.FlagOf("R10", "R-out", "2024-05-01")["severity"] == "medium");
  CHECK(w.FlagOf("R10", "R-short", "2024-06-30").is_null());  // not yet
  Json f = w.FlagOf("R10", "R-short", "2024-07-01");
  REQUIRE(f.is_object());
  CHECK(f["amount_fen"] == 1);
  CHECK(w.FlagOf("R10", "R-ok", "2024-07-01").is_null());
}

TEST_CASE("R11 overspend: contract, lot, commitment; cured by amendment",
          "[rules][R11]") {
  RuleWorld w;
  OpsLot(w);
  w.Contract("C-over", kCounty, "SWS.OPS", "L-ops", 1'000'000, "2024-02-01",
             "2024-12-31");
  w.Contract("C-cured", kCounty, "SWS.OPS", "L-ops", 1'000'000, "2024-02-01",
             "2024-12-31");
  w.Contract("C-exact", kCounty, "SWS.OPS", "L-ops", 1'000'000, "2024-02-01",
             "2024-12-31");
  w.Pay("P-over", "L-ops", 1'000'001, "2024-03-01",
        {{"contract_id", "C-over"}});
  w.Pay("P-cured", "L-ops", 1'200'000, "2024-03-01",
        {{"contract_id", "C-cured"}});
  w.Pay("P-exact", "L-ops", 1'000'000, "2024-03-01",
        {{"contract_id", "C-exact"}});
  w.Add("contract.amended",
        {{"contract_id", "C-cured"},
         {"value_delta_fen", 200'000},
         {"rationale", "extra service hours"}},
        "2024-03-05");
  w.Budget("L-small", "lottery.provincial", "SWS.OPS", kCounty2, 100'000,
           "2024-01-05");
  w.Pay("P-neg", "L-small", 100'001, "2024-03-01");
  w.Budget("L-commit", "lottery.provincial", "SWS.OPS", kCounty2, 1'000'000,
           "2024-01-05");
  w.Contract("C-commit1", kCounty2, "SWS.OPS", "L-commit", 600'000,
             "2024-02-01", "2024-12-31");
  w.Contract("C-commit2", kCounty2, "SWS.OPS", "L-commit", 400'001,
             "2024-02-02", "2024-12-31");
  Json over = w.FlagOf("R11", "C-over", "2024-12-31");
  REQUIRE(over.is_object());
  CHECK(over["severity"] == "critical");
  CHECK(over["amount_fen"] == 1);
  CHECK(w.FlagOf("R11", "C-cured", "2024-12-31").is_null());
  CHECK(w.FlagOf("R11", "C-exact", "2024-12-31").is_null());
  CHECK(w.FlagOf("R11", "L-small", "2024-12-31")["amount_fen"] == 1);
  CHECK(w.FlagOf("R11", "C-commit1", "2024-12-31").is_null());
  Json commit = w.FlagOf("R11", "C-commit2", "2024-12-31");
  REQUIRE(commit.is_object());
  CHECK(commit["severity"] == "high");
  CHECK(commit["amount_fen"] == 1);
}

// R11 passes over lots and contracts that clear the lowest tolerance any
// policy sets; one that raises it must spare the lots it covers, and one
// that lowers it (below zero: a balance of 0 is then too low) must still
// reach the lots below the default.
TEST_CASE(
    "R11 tolerance from policy.set, raised for one county, lowered "
    "for another",
    "[rules][R11][policy]") {
  RuleWorld w;
  w.Add("policy.set",
        {{"rule", "R11"},
         {"scope", "532621"},
         {"params", {{"tolerance", 500}}},
         {"effective_from", "2024-01-01"}},
        "2023-12-01");
  w.Add("policy.set",
        {{"rule", "R11"},
         {"scope", "532622"},
         {"params", {{"tolerance", -1}}},
         {"effective_from", "2024-01-01"}},
        "2023-12-01");
  w.Budget("L-raised", "lottery.provincial", "SWS.OPS", "532621", 100'000,
           "2024-01-05");
  w.Budget("L-lowered", "lottery.provincial", "SWS.OPS", "532622", 100'000,
           "2024-01-05");
  w.Budget("L-default", "lottery.provincial", "SWS.OPS", "532623", 100'000,
           "2024-01-05");
  w.Budget("L-spared", "lottery.provincial", "SWS.OPS", "532623", 100'000,
           "2024-01-05");
  w.Pay("P-raised", "L-raised", 100'400, "2024-03-01");    // 400 <= 500
  w.Pay("P-lowered", "L-lowered", 100'000, "2024-03-01");  // 0 > -1
  w.Pay("P-default", "L-default", 100'001, "2024-03-01");  // 1 > 0
  w.Pay("P-spared", "L-spared", 100'000, "2024-03-01");    // 0 <= 0
  CHECK(w.FlagOf("R11", "L-raised", "2024-12-31").is_null());
  Json lowered = w.FlagOf("R11", "L-lowered", "2024-12-31");
  REQUIRE(lowered.is_object());
  CHECK(lowered["amount_fen"] == 0);
  Json dflt = w.FlagOf("R11", "L-default", "2024-12-31");
  REQUIRE(dflt.is_object());
  CHECK(dflt["amount_fen"] == 1);
  CHECK(w.FlagOf("R11", "L-spared", "2024-12-31").is_null());
}

TEST_CASE("R12 sanctioned vendor at signing and at payment", "[rules][R12]") {
  RuleWorld w;
  OpsLot(w);
  const std::string bad = RuleWorld::kProvider2;
  w.Contract("C-before", kCounty, "SWS.OPS", "L-ops", 1'000'000, "2024-01-10",
             "2024-12-31", {{"supplier_uscc", bad}});
  w.Add("milestone.accepted",
        {{"contract_id", "C-before"},
         {"milestone_id", "m1"},
         {"accepted_on", "2024-02-15"}},
        "2024-02-15");
  w.Add("vendor.sanctioned",
        {{"uscc", bad},
         {"list", "gp_bad_conduct"},
         {"from", "2024-03-01"},
         {"to", "2024-09-01"},
         {"doc_no", "云财采〔2024〕3号"}},
        "2024-03-01");
  w.Contract("C-during", kCounty, "SWS.OPS", "L-ops", 1'000'000, "2024-04-01",
             "2024-12-31", {{"supplier_uscc", bad}});
  w.Contract("C-after", kCounty, "SWS.OPS", "L-ops", 1'000'000, "2024-09-01",
             "2024-12-31", {{"supplier_uscc", bad}});
  w.Pay("P-during", "L-ops", 10'000, "2024-05-01",
        {{"payee_uscc", bad}, {"contract_id", "C-during"}});
  w.Pay("P-old-work", "L-ops", 20'000, "2024-05-02",
        {{"payee_uscc", bad},
         {"contract_id", "C-before"},
         {"milestone_id", "m1"}});
  w.Pay("P-after", "L-ops", 30'000, "2024-09-01",
        {{"payee_uscc", bad}, {"contract_id", "C-after"}});
  CHECK(w.FlagOf("R12", "C-during", "2024-12-31")["severity"] == "critical");
  CHECK(w.FlagOf("R12", "C-before", "2024-12-31").is_null());
  CHECK(w.FlagOf("R12", "C-after", "2024-12-31").is_null());
  CHECK(w.FlagOf("R12", "P-during", "2024-12-31")["severity"] == "high");
  CHECK(w.FlagOf("R12", "P-old-work", "2024-12-31")["severity"] == "medium");
  CHECK(w.FlagOf("R12", "P-after", "2024-12-31").is_null());
}

TEST_CASE("R12 a sanction lifted early ends the window", "[rules][R12]") {
  RuleWorld w;
  OpsLot(w);
  const std::string bad = RuleWorld::kProvider2;
  w.Add("vendor.sanctioned",
        {{"uscc", bad},
         {"list", "local_blacklist"},
         {"from", "2024-03-01"},
         {"to", "2025-03-01"},
         {"doc_no", "x"}},
        "2024-03-01");
  w.Add("vendor.sanction_lifted",
        {{"uscc", bad},
         {"list", "local_blacklist"},
         {"date", "2024-06-01"},
         {"doc_no", "y"}},
        "2024-06-01");
  w.Pay("P-in", "L-ops", 10'000, "2024-05-31", {{"payee_uscc", bad}});
  w.Pay("P-lifted", "L-ops", 10'000, "2024-06-01", {{"payee_uscc", bad}});
  CHECK(w.FlagOf("R12", "P-in", "2024-12-31").is_object());
  CHECK(w.FlagOf("R12", "P-lifted", "2024-12-31").is_null());
}

TEST_CASE("R13 duplicate payments; reversals never count", "[rules][R13]") {
  RuleWorld w;
  OpsLot(w);
  w.Contract("C1", kCounty, "SWS.OPS", "L-ops", 5'000'000, "2024-01-10",
             "2024-12-31");
  w.Pay("A1", "L-ops", 100'000, "2024-03-01", {{"invoice_no", "INV-7"}});
  w.Pay("A2", "L-ops", 120'000, "2024-04-20", {{"invoice_no", "INV-7"}});
  w.Pay("B1", "L-ops", 100'001, "2024-03-01", {{"invoice_no", "INV-8"}});
  w.Pay("B2", "L-ops", 120'001, "2024-04-20", {{"invoice_no", "INV-8"}});
  w.Add("payment.reversed", {{"payment_id", "B1"}, {"reason", "bank error"}},
        "2024-04-21");
  w.Pay("M1", "L-ops", 50'000, "2024-05-01",
        {{"contract_id", "C1"}, {"milestone_id", "2024-05"}});
  w.Pay("M2", "L-ops", 50'001, "2024-05-20",
        {{"contract_id", "C1"}, {"milestone_id", "2024-05"}});
  w.Pay("M3", "L-ops", 50'000, "2024-06-01",
        {{"contract_id", "C1"}, {"milestone_id", "2024-06"}});
  // Same payee and amount 7 days apart, other invoice: low; 8 days: none.
  w.Pay("W1", "L-ops", 77'777, "2024-07-01");
  w.Pay("W2", "L-ops", 77'777, "2024-07-08");
  w.Pay("X1", "L-ops", 88'888, "2024-07-01");
  w.Pay("X2", "L-ops", 88'888, "2024-07-09");
  Json a = w.FlagOf("R13", "A2", "2024-12-31");
  REQUIRE(a.is_object());
  CHECK(a["severity"] == "high");
  CHECK(w.FlagOf("R13", "A1", "2024-12-31").is_null());  // the later is it
  CHECK(w.FlagOf("R13", "B2", "2024-12-31").is_null());
  CHECK(w.FlagOf("R13", "M2", "2024-12-31")["severity"] == "high");
  CHECK(w.FlagOf("R13", "M3", "2024-12-31").is_null());
  CHECK(w.FlagOf("R13", "W2", "2024-12-31")["severity"] == "low");
  CHECK(w.FlagOf("R13", "X2", "2024-12-31").is_null());
}

TEST_CASE("R14 supervision reserve per buyer-year", "[rules][R14]") {
  RuleWorld w;
  OpsLot(w);
  OpsLot(w, "L-ops2", kCounty2);
  w.Budget("L-sup", "lottery.provincial", "SWS.SUPERVISION", kCounty2,
           1'000'000, "2024-01-05");
  w.Contract("C-ops", kCounty, "SWS.OPS", "L-ops", 1'000'000, "2024-02-01",
             "2024-12-31");
  w.Contract("C-ops2", kCounty2, "SWS.OPS", "L-ops2", 1'000'000, "2024-02-01",
             "2024-12-31");
  CHECK(w.FlagOf("R14", std::string(kCounty2) + "/2024", "2024-06-30")
            .is_object());
  // A separate supervision contract the same year cures it.
  w.Contract("C-sup", kCounty2, "SWS.SUPERVISION", "L-sup", 300'000,
             "2024-07-01", "2024-12-31");
  Json f = w.FlagOf("R14", std::string(kCounty) + "/2024", "2024-12-31");
  REQUIRE(f.is_object());
  CHECK(f["severity"] == "medium");
  CHECK(
      w.FlagOf("R14", std::string(kCounty2) + "/2024", "2024-12-31").is_null());
}

TEST_CASE("R15 lottery purpose, class and the 55% elderly share",
          "[rules][R15]") {
  RuleWorld w;
  OpsLot(w);
  OpsLot(w, "L-ops2", kCounty2);
  w.Pay("P-trip", "L-ops", 10'000, "2024-03-01", {{"purpose", "staff_trip"}});
  w.Pay("P-meal", "L-ops", 10'000, "2024-03-02",
        {{"economic_class", "official_reception"}});
  w.Pay("P-kids", "L-ops", 10'000, "2024-03-03", {{"purpose", "children"}});
  CHECK(w.FlagOf("R15", "P-trip", "2024-06-30")["severity"] == "high");
  CHECK(w.FlagOf("R15", "P-meal", "2024-06-30")["severity"] == "critical");
  CHECK(w.FlagOf("R15", "P-kids", "2024-06-30").is_null());
  // kCounty: elderly 5,499,999 of 10,000,000 < 55% (P-meal was elderly).
  w.Pay("E1", "L-ops", 5'489'999, "2024-05-01");
  w.Pay("E2", "L-ops", 4'480'001, "2024-05-02", {{"purpose", "disabled"}});
  // kCounty2: exactly 55%.
  w.Pay("F1", "L-ops2", 5'500'000, "2024-05-01");
  w.Pay("F2", "L-ops2", 4'500'000, "2024-05-02", {{"purpose", "hardship"}});
  CHECK(w.FlagOf("R15", std::string(kCounty) + "/2024", "2025-01-31")
            .is_null());  // not closed yet
  for (const char* c : {kCounty, kCounty2})
    w.Add("fiscal_year.closed", {{"division_code", c}, {"fiscal_year", 2024}},
          "2025-01-20");
  Json f = w.FlagOf("R15", std::string(kCounty) + "/2024", "2025-01-31");
  REQUIRE(f.is_object());
  CHECK(f["severity"] == "low");
  CHECK(
      w.FlagOf("R15", std::string(kCounty2) + "/2024", "2025-01-31").is_null());
  // The province holding both counties, closed in its 12-digit spelling:
  // elderly 5,499,999 + 5,500,000 of 20,000,000 is 1 fen under 55%.
  const std::string province = "530000000000/2024";
  CHECK(w.FlagOf("R15", province, "2025-01-31").is_null());
  w.Add("fiscal_year.closed",
        {{"division_code", "530000000000"}, {"fiscal_year", 2024}},
        "2025-01-21");
  Json prov = w.FlagOf("R15", province, "2025-01-31");
  REQUIRE(prov.is_object());
  CHECK(prov["amount_fen"] == 1);
}

TEST_CASE("R16 every station at least 2万 of setup by Dec 31", "[rules][R16]") {
  RuleWorld w;
  w.Budget("L-setup", "lottery.provincial", "SWS.SETUP", "532600", 9'000'000,
           "2024-01-05");
  w.Budget("L-setup-county", "general_budget", "SWS.SETUP", "532600", 9'000'000,
           "2024-01-05");
  w.Station("st-short", "532621101", "2024-03-01");
  w.Station("st-full", "532621102", "2024-03-01");
  PayStation(w, "s1", "L-setup", 1'999'999, "st-short", "2024-05-01");
  PayStation(w, "s2", "L-setup", 1, "st-short", "2025-01-01");  // too late
  // 1.2万 lottery + 0.8万 county fiscal = exactly 2万.
  PayStation(w, "f1", "L-setup", 1'200'000, "st-full", "2024-05-01");
  PayStation(w, "f2", "L-setup-county", 800'000, "st-full", "2024-12-31");
  CHECK(w.FlagOf("R16", "st-short", "2024-12-31").is_null());  // not yet
  Json f = w.FlagOf("R16", "st-short", "2025-01-02");
  REQUIRE(f.is_object());
  CHECK(f["severity"] == "low");
  CHECK(f["amount_fen"] == 1);
  CHECK(w.FlagOf("R16", "st-full", "2025-01-02").is_null());
}

// R16 passes over a station funded past the highest min any policy sets;
// a policy that raises min must still reach the stations it covers, and
// one that lowers it the stations below the default.
TEST_CASE("R16 min from policy.set, raised for one county, lowered for another",
          "[rules][R16][policy]") {
  RuleWorld w;
  w.Add("policy.set",
        {{"rule", "R16"},
         {"scope", "532621"},
         {"params", {{"min", 3'000'000}}},
         {"effective_from", "2024-01-01"}},
        "2023-12-01");
  w.Add("policy.set",
        {{"rule", "R16"},
         {"scope", "532622"},
         {"params", {{"min", 1'000'000}}},
         {"effective_from", "2024-01-01"}},
        "2023-12-01");
  w.Budget("L-setup", "lottery.provincial", "SWS.SETUP", "532600", 90'000'000,
           "2024-01-05");
  w.Station("st-raised", "532621101", "2024-03-01");   // 2.5万 < 3万
  w.Station("st-lowered", "532622101", "2024-03-01");  // 1.5万 >= 1万
  w.Station("st-default", "532623101", "2024-03-01");  // 1.5万 < 2万
  PayStation(w, "a", "L-setup", 2'500'000, "st-raised", "2024-05-01");
  PayStation(w, "b", "L-setup", 1'500'000, "st-lowered", "2024-05-01");
  PayStation(w, "c", "L-setup", 1'500'000, "st-default", "2024-05-01");
  Json raised = w.FlagOf("R16", "st-raised", "2025-01-02");
  REQUIRE(raised.is_object());
  CHECK(raised["amount_fen"] == 500'000);
  CHECK(w.FlagOf("R16", "st-lowered", "2025-01-02").is_null());
  Json dflt = w.FlagOf("R16", "st-default", "2025-01-02");
  REQUIRE(dflt.is_object());
  CHECK(dflt["amount_fen"] == 500'000);
}

// R16 judges by sums kept as payments are applied and reversed: a payment
// dated before the station's establishment counts, a reversed one does not,
// and the sums survive a restart (they are stored rows).
TEST_CASE("R16 sums: early payments, reversals, and a restart",
          "[rules][R16]") {
  RuleWorld w;
  w.Budget("L-setup", "lottery.provincial", "SWS.SETUP", "532600", 9'000'000,
           "2024-01-05");
  OpsLot(w);  // SWS.OPS: never counts for R16
  w.Station("st-early", "532621101", "2024-03-01");
  w.Station("st-rev", "532621102", "2024-03-01");
  // Dated before the station's establishment: paid by Dec 31, it counts.
  PayStation(w, "e1", "L-setup", 1'500'000, "st-early", "2024-02-01");
  PayStation(w, "r1", "L-setup", 2'000'000, "st-rev", "2024-04-01");
  PayStation(w, "r2", "L-ops", 2'000'000, "st-rev", "2024-04-02");
  PayStation(w, "e2", "L-setup", 400'000, "st-early", "2024-05-01");
  CHECK(w.FlagOf("R16", "st-rev", "2025-01-02").is_null());
  w.Add("payment.reversed", {{"payment_id", "r1"}, {"reason", "bank error"}},
        "2024-06-01");
  w.Restart();  // the sums are loaded from the store from here on
  PayStation(w, "r3", "L-setup", 300'000, "st-rev", "2024-07-01");
  PayStation(w, "e3", "L-setup", 100'000, "st-early",
             "2025-01-01");  // too late
  Json rev = w.FlagOf("R16", "st-rev", "2025-01-02");
  REQUIRE(rev.is_object());
  CHECK(rev["amount_fen"] == 1'700'000);  // only r3 counts
  Json early = w.FlagOf("R16", "st-early", "2025-01-02");
  REQUIRE(early.is_object());
  CHECK(early["amount_fen"] == 100'000);  // e1 + e2 = 1.9万
  w.Restart();
  PayStation(w, "e4", "L-setup", 100'000, "st-early",
             "2024-12-31");  // backdated
  CHECK(w.FlagOf("R16", "st-early", "2025-01-02").is_null());
  CHECK(w.FlagOf("R16", "st-rev", "2025-01-02")["amount_fen"] == 1'700'000);
}

TEST_CASE("R17 contract terms over 1 and 3 years", "[rules][R17]") {
  RuleWorld w;
  OpsLot(w);
  auto c = [&](const char* id, const char* start, const char* end) {
    w.Contract(id, kCounty, "SWS.OPS", "L-ops", 100'000, start, end);
  };
  c("C-1y", "2024-01-01", "2025-01-01");
  c("C-1y1d", "2024-01-01", "2025-01-02");
  c("C-leap", "2024-02-29", "2025-03-01");
  c("C-leap1", "2024-02-29", "2025-03-02");
  c("C-3y", "2024-01-01", "2027-01-01");
  c("C-3y1d", "2024-01-01", "2027-01-02");
  for (const char* id : {"C-3y", "C-3y1d"}) {
    w.Add("contract.amended",
          {{"contract_id", id}, {"rationale", "three-year service cycle"}},
          "2024-01-05");
  }
  CHECK(w.FlagOf("R17", "C-1y", "2024-06-30").is_null());
  CHECK(w.FlagOf("R17", "C-1y1d", "2024-06-30")["severity"] == "medium");
  CHECK(w.FlagOf("R17", "C-leap", "2024-06-30").is_null());
  CHECK(w.FlagOf("R17", "C-leap1", "2024-06-30").is_object());
  CHECK(w.FlagOf("R17", "C-3y", "2024-06-30").is_null());
  CHECK(w.FlagOf("R17", "C-3y1d", "2024-06-30").is_object());
  // A rationale amendment cures the 1-year case.
  w.Add("contract.amended",
        {{"contract_id", "C-1y1d"}, {"rationale", "funding secured"}},
        "2024-07-01");
  CHECK(w.FlagOf("R17", "C-1y1d", "2024-07-31").is_null());
}

TEST_CASE("R18 payments and acceptances for stations not operating",
          "[rules][R18]") {
  RuleWorld w;
  OpsLot(w);
  w.Station("st-new", "530102101", "2024-05-01");
  w.Station("st-gone", "530102102", "2024-01-02");
  w.Contract("C1", kCounty, "SWS.OPS", "L-ops", 1'000'000, "2024-03-01",
             "2024-12-31");
  w.Pay("P-early", "L-ops", 10'000, "2024-04-30", {{"station_id", "st-new"}});
  w.Pay("P-open", "L-ops", 10'000, "2024-05-01", {{"station_id", "st-new"}});
  w.Pay("P-before", "L-ops", 10'000, "2024-05-31", {{"station_id", "st-gone"}});
  w.Pay("P-recorded", "L-ops", 10'000, "2024-06-02",
        {{"station_id", "st-gone"}});
  // Deregistered on 06-01 but recorded later: the 06-02 payment is caught.
  w.Add("station.deregistered",
        {{"station_id", "st-gone"}, {"date", "2024-06-01"}}, "2024-06-10");
  w.Pay("P-after", "L-ops", 10'000, "2024-06-01", {{"station_id", "st-gone"}});
  // Acceptances before the period starts (03-01): the payments carrying
  // those milestones are the claims, whichever is recorded first.
  w.Add("milestone.accepted",
        {{"contract_id", "C1"},
         {"milestone_id", "m0"},
         {"accepted_on", "2024-02-28"}},
        "2024-02-28");
  w.Pay("P-m0", "L-ops", 20'000, "2024-03-05",
        {{"contract_id", "C1"}, {"milestone_id", "m0"}});
  w.Pay("P-m1", "L-ops", 20'001, "2024-03-06",
        {{"contract_id", "C1"}, {"milestone_id", "m1"}});
  w.Add("milestone.accepted",
        {{"contract_id", "C1"},
         {"milestone_id", "m1"},
         {"accepted_on", "2024-02-29"}},
        "2024-03-07");
  w.Add("milestone.accepted",
        {{"contract_id", "C1"},
         {"milestone_id", "m2"},
         {"accepted_on", "2024-03-01"}},
        "2024-03-07");
  w.Pay("P-m2", "L-ops", 20'002, "2024-03-08",
        {{"contract_id", "C1"}, {"milestone_id", "m2"}});
  CHECK(w.FlagOf("R18", "P-early", "2024-12-31")["severity"] == "critical");
  CHECK(w.FlagOf("R18", "P-open", "2024-12-31").is_null());
  CHECK(w.FlagOf("R18", "P-before", "2024-12-31").is_null());
  CHECK(w.FlagOf("R18", "P-recorded", "2024-12-31").is_object());
  CHECK(w.FlagOf("R18", "P-after", "2024-12-31").is_object());
  CHECK(w.FlagOf("R18", "P-m0", "2024-12-31").is_object());
  CHECK(w.FlagOf("R18", "P-m1", "2024-12-31").is_object());
  CHECK(w.FlagOf("R18", "P-m2", "2024-12-31").is_null());
  CHECK(w.FlagOf("R18", "C1", "2024-12-31").is_null());
}

TEST_CASE("exception.approved makes a flag info; flag.reviewed sets status",
          "[rules][review]") {
  RuleWorld w;
  OpsLot(w);
  w.Pay("P-salary", "L-ops", 50'000, "2024-03-01",
        {{"economic_class", "staff_salary"}});
  w.Pay("P-gov", "L-ops", 50'000, "2024-03-02",
        {{"payee_uscc", Gov("530102MB0000009")}});
  Json before = w.FlagOf("R04", "P-salary", "2024-12-31");
  REQUIRE(before["severity"] == "high");
  std::uint64_t ex = w.Add(
      "exception.approved",
      {{"rule", "R04"}, {"ref", "P-salary"}, {"doc_no", "云民函〔2024〕1号"}},
      "2024-04-01");
  std::uint64_t rv =
      w.Add("flag.reviewed",
            {{"flag_id", w.FlagOf("R04", "P-gov", "2024-12-31")["flag_id"]},
             {"rule", "R04"},
             {"subject", "P-gov"},
             {"status", "confirmed"},
             {"note", "payee is the township office"}},
            "2024-04-02");
  Json after = w.FlagOf("R04", "P-salary", "2024-12-31");
  CHECK(after["severity"] == "info");
  bool has = false;
  for (const auto& s : after["evidence"]) has = has || s == ex;
  CHECK(has);
  Json gov = w.FlagOf("R04", "P-gov", "2024-12-31");
  CHECK(gov["status"] == "confirmed");
  CHECK(gov["severity"] == "high");
  // Before the review's date, the review is not yet part of the world.
  CHECK(w.FlagOf("R04", "P-gov", "2024-04-01")["status"] == "open");
  CHECK(rv > ex);
}

TEST_CASE("as_of ignores later-dated events and defaults to the newest date",
          "[rules][as_of]") {
  RuleWorld w;
  OpsLot(w);
  w.Pay("P-salary", "L-ops", 50'000, "2024-05-01",
        {{"economic_class", "staff_salary"}});
  CHECK(w.FlagOf("R04", "P-salary", "2024-04-30").is_null());
  Json f = w.FlagOf("R04", "P-salary");
  REQUIRE(f.is_object());
  CHECK(f["as_of"] == "2024-05-01");
}

}  // namespace fl::test
