// The projection reads of API.md over real sockets, with the real worker
// tailing the log: balances, lots, contracts, flags (filters, pages, one
// flag with its evidence), the cap report, the workers' status, roles and
// scopes, bad parameters, and min_seq (read-your-writes, 503 when the
// projections lag, and waits that hold no read thread).
#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <set>
#include <thread>

#include "crypto/encoding.h"
#include "crypto/sha256.h"
#include "event_data.h"
#include "http_fixture.h"

using fl::Json;
using fl::test::BudgetData;
using fl::test::ContractData;
using fl::test::HttpWorld;
using fl::test::IssueData;
using fl::test::MakeUscc;
using fl::test::ProblemCode;
using fl::test::ReceiveData;
using Clock = std::chrono::steady_clock;

namespace {

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// RULES.md: first 16 lowercase hex chars of SHA-256("<rule>|<subject>").
std::string FlagIdOf(const std::string& rule, const std::string& subject) {
  return fl::HexEncode(fl::AsBytes(fl::Sha256(rule + "|" + subject)))
      .substr(0, 16);
}

const std::string kSupplier1 = MakeUscc("52530621MJY12345X");
const std::string kSupplier2 = MakeUscc("52530622MJY54321A");
const std::string kPayee3 = MakeUscc("52530621MJY77777B");

const std::string kR01 = FlagIdOf("R01", "pay-bad");
const std::string kR14a = FlagIdOf("R14", "530621/2024");
const std::string kR14b = FlagIdOf("R14", "530622/2024");

Json Payment(const std::string& id, const std::string& lot,
             const std::string& payee, std::int64_t amount,
             const std::string& economic_class, const std::string& category,
             const std::string& purpose, const std::string& invoice,
             const std::string& contract = {}) {
  Json d = {{"payment_id", id},
            {"allocation_id", lot},
            {"payee_uscc", payee},
            {"amount_fen", amount},
            {"paid_on", "2024-06-15"},
            {"economic_class", economic_class},
            {"service_category", category},
            {"purpose", purpose},
            {"invoice_no", invoice}};
  if (!contract.empty()) d["contract_id"] = contract;
  return d;
}

// The world of these tests, appended over HTTP. Seqs of interest are kept.
struct Seqs {
  std::uint64_t issue_a = 0, issue_b = 0, received_a = 0, contract1 = 0,
                pay_ok = 0, pay_bad = 0, last = 0;
};

std::vector<Json> WorldEvents(HttpWorld& w) {
  auto ev = [&](const std::string& id, const std::string& type,
                const std::string& agency, const Json& data,
                const std::string& date) {
    return w.world().Envelope(id, type, agency, data, date + "T08:00:00Z");
  };
  const std::string lottery = "lottery.provincial";
  const std::string hardship = "assistance.hardship_subsidy";
  return {
      // Province: 100,000,000 fen, issued down to two counties.
      ev("e-bud", "budget.appropriated", "cz-530000",
         BudgetData("b-530000", lottery, "530000", "SWS.OPS", 100'000'000),
         "2024-01-15"),
      ev("e-iss-a", "allocation.issued", "cz-530000",
         IssueData("a-530621", "530621", 30'000'000), "2024-03-01"),
      ev("e-iss-b", "allocation.issued", "cz-530000",
         IssueData("a-530621-b", "530621", 10'000'000), "2024-03-01"),
      ev("e-iss-c", "allocation.issued", "cz-530000",
         IssueData("a-530622", "530622", 5'000'000), "2024-03-01"),
      ev("e-rcv-a", "allocation.received", "mz-530621",
         ReceiveData("a-530621", 30'000'000), "2024-03-20"),
      ev("e-rcv-b", "allocation.received", "mz-530621",
         ReceiveData("a-530621-b", 10'000'000), "2024-03-20"),
      ev("e-rcv-c", "allocation.received", "mz-530622",
         ReceiveData("a-530622", 5'000'000), "2024-03-20"),
      // Each county an SWS.OPS contract without a supervision reserve
      // (R14); ct-1 is funded by a-530621 alone.
      ev("e-ct-1", "contract.signed", "mz-530621",
         ContractData("ct-1", "530621", kSupplier1, "a-530621", 20'000'000),
         "2024-04-10"),
      ev("e-ct-2", "contract.signed", "mz-530622",
         ContractData("ct-2", "530622", kSupplier2, "a-530622", 4'000'000),
         "2024-04-10"),
      ev("e-pay-ok", "payment.made", "mz-530621",
         Payment("pay-ok", "a-530621", kSupplier1, 5'000'000,
                 "commissioned_services", "care", "elderly", "INV-1", "ct-1"),
         "2024-06-15"),
      // R01: paid under ct-1 from a lot its funding[] does not name.
      ev("e-pay-bad", "payment.made", "mz-530621",
         Payment("pay-bad", "a-530621-b", kSupplier1, 3'000'000,
                 "commissioned_services", "care", "elderly", "INV-2", "ct-1"),
         "2024-06-15"),
      // Hardship money at the county, for the cap report.
      ev("e-bud-h1", "budget.appropriated", "mz-530621",
         BudgetData("h-benefit", hardship, "530621", "ASSIST.BENEFIT",
                    200'000'000),
         "2024-01-15"),
      ev("e-bud-h2", "budget.appropriated", "mz-530621",
         BudgetData("h-service", hardship, "530621", "ASSIST.PURCHASED_SERVICE",
                    10'000'000),
         "2024-01-15"),
      ev("e-base", "cap_base.declared", "mz-530621",
         {{"kind", "assistance_pooled_total"},
          {"division_code", "530621"},
          {"fiscal_year", 2023},
          {"amount_fen", 200'000'000},
          {"doc_no", "云财社〔2024〕3号"}},
         "2024-02-01"),
      ev("e-pay-h1", "payment.made", "mz-530621",
         Payment("pay-h1", "h-benefit", kPayee3, 100'000'000,
                 "transfer_payments", "benefit_payment", "hardship", "INV-3"),
         "2024-06-15"),
      ev("e-pay-h2", "payment.made", "mz-530621",
         Payment("pay-h2", "h-service", kPayee3, 1'000'000,
                 "commissioned_services", "care", "hardship", "INV-4"),
         "2024-06-15"),
  };
}

Seqs AppendWorld(HttpWorld& w) {
  w.world().AddAgency("mz-530622", "civil_affairs", "530622");
  auto events = WorldEvents(w);
  auto r = w.Post("/v1/events:batch", Json{{"events", events}}.dump());
  REQUIRE(r.status == 201);
  Json receipts = Json::parse(r.body).at("receipts");
  REQUIRE(receipts.size() == events.size());
  auto seq = [&](std::size_t i) {
    return receipts[i].at("seq").get<std::uint64_t>();
  };
  Seqs s;
  s.issue_a = seq(1);
  s.issue_b = seq(2);
  s.received_a = seq(4);
  s.contract1 = seq(7);
  s.pay_ok = seq(9);
  s.pay_bad = seq(10);
  s.last = seq(events.size() - 1);
  return s;
}

// A 200 with a canonical JSON body (RFC 8785 bytes), parsed.
Json Ok(const fl::http::ClientResponse& r) {
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type").starts_with("application/json"));
  Json j = Json::parse(r.body);
  CHECK(r.body == fl::Canonicalize(j));
  return j;
}

std::vector<std::string> Ids(const Json& page) {
  std::vector<std::string> out;
  for (const auto& f : page.at("flags")) out.push_back(f.at("flag_id"));
  return out;
}

std::string Q(std::uint64_t seq) { return "min_seq=" + std::to_string(seq); }

}  // namespace

TEST_CASE("projection reads: flags, evidence, filters and pages",
          "[http][projections]") {
  HttpWorld w;
  Seqs s = AppendWorld(w);
  const std::string& a = w.auditor();

  // Read-your-writes: min_seq makes the answer include the last append.
  Json all = Ok(w.Get("/v1/flags?" + Q(s.last), a));
  std::vector<std::string> want = {kR01, kR14a, kR14b};
  std::sort(want.begin(), want.end());
  CHECK(Ids(all) == want);  // sorted by flag_id, nothing else raised
  CHECK(all.at("next_cursor").is_null());

  const Json* r01 = nullptr;
  for (const auto& f : all.at("flags")) {
    if (f.at("flag_id") == kR01) r01 = &f;
  }
  REQUIRE(r01);
  CHECK(*r01 == Json{{"flag_id", kR01},
                     {"rule", "R01"},
                     {"severity", "critical"},
                     {"division_code", "530621"},
                     {"amount_fen", 3'000'000},
                     {"evidence", {s.issue_b, s.contract1, s.pay_bad}},
                     {"subject", "pay-bad"},
                     {"as_of", "2024-06-15"},
                     {"provisional", false},
                     {"status", "open"}});

  SECTION("one flag with its evidence entries") {
    Json one = Ok(w.Get("/v1/flags/" + kR01, a));
    Json expect = *r01;
    Json entries = one.at("entries");
    one.erase("entries");
    CHECK(one.at("reviews") == Json::array());  // nobody reviewed it
    one.erase("reviews");
    CHECK(one == expect);
    REQUIRE(entries.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      std::uint64_t seq = expect.at("evidence")[i];
      CHECK(entries[i].at("seq") == seq);
      auto stored = w.Get("/v1/entries/" + std::to_string(seq), a);
      REQUIRE(stored.status == 200);
      CHECK(entries[i].at("entry") == Json::parse(stored.body).at("entry"));
    }
    CHECK(entries[2].at("entry").at("event").at("id") == "e-pay-bad");

    // A county token sees the flag; the province's issue entry is withheld.
    std::string county = w.MustToken({"finance", "530621", ""});
    Json scoped = Ok(w.Get("/v1/flags/" + kR01, county));
    Json se = scoped.at("entries");
    REQUIRE(se.size() == 3);
    CHECK(se[0] == Json{{"seq", s.issue_b}, {"withheld", "out_of_scope"}});
    CHECK(se[1].contains("entry"));
    CHECK(se[2].contains("entry"));
  }

  SECTION("filters") {
    CHECK(Ids(Ok(w.Get("/v1/flags?rule=R14", a))) ==
          std::vector<std::string>{std::min(kR14a, kR14b),
                                   std::max(kR14a, kR14b)});
    CHECK(Ids(Ok(w.Get("/v1/flags?severity=critical", a))) ==
          std::vector<std::string>{kR01});
    CHECK(Ids(Ok(w.Get("/v1/flags?severity=medium&rule=R01", a))).empty());
    CHECK(Ids(Ok(w.Get("/v1/flags?division_code=530622", a))) ==
          std::vector<std::string>{kR14b});
    auto county = Ids(Ok(w.Get("/v1/flags?division_code=530621", a)));
    CHECK(std::set<std::string>(county.begin(), county.end()) ==
          std::set<std::string>{kR01, kR14a});
    CHECK(Ids(Ok(w.Get("/v1/flags?division_code=530000", a))) == want);
    CHECK(Ids(Ok(w.Get("/v1/flags?status=open", a))) == want);
    CHECK(Ids(Ok(w.Get("/v1/flags?status=dismissed", a))).empty());
    // Empty values are no filter; unknown parameters are ignored.
    CHECK(Ids(Ok(w.Get("/v1/flags?rule=&severity=&colour=red", a))) == want);
    // as_of before the payments: they are ignored, the contracts are not.
    Json early = Ok(w.Get("/v1/flags?as_of=2024-04-15", a));
    auto early_ids = Ids(early);
    CHECK(std::set<std::string>(early_ids.begin(), early_ids.end()) ==
          std::set<std::string>{kR14a, kR14b});
    for (const auto& f : early.at("flags"))
      CHECK(f.at("as_of") == "2024-04-15");
  }

  SECTION("limit=1 pages through every flag via next_cursor") {
    Json walked = Json::array();
    std::string cursor;
    int pages = 0;
    for (; pages < 10; ++pages) {
      std::string q = "/v1/flags?limit=1";
      if (!cursor.empty()) q += "&cursor=" + cursor;
      Json page = Ok(w.Get(q, a));
      REQUIRE(page.at("flags").size() == 1);
      walked.push_back(page.at("flags")[0]);
      if (page.at("next_cursor").is_null()) break;
      cursor = page.at("next_cursor");
      CHECK(cursor == page.at("flags")[0].at("flag_id"));
    }
    CHECK(pages == 2);  // three pages
    CHECK(walked == all.at("flags"));
    // Pages of two: the second holds the rest and ends the walk.
    Json first = Ok(w.Get("/v1/flags?limit=2", a));
    CHECK(first.at("flags").size() == 2);
    Json rest = Ok(w.Get("/v1/flags?limit=2&cursor=" +
                             first.at("next_cursor").get<std::string>(),
                         a));
    CHECK(rest.at("flags").size() == 1);
    CHECK(rest.at("next_cursor").is_null());
  }
}

TEST_CASE("projection reads: balances, lots, contracts, cap report",
          "[http][projections]") {
  HttpWorld w;
  Seqs s = AppendWorld(w);
  const std::string& a = w.auditor();
  std::string finance = w.MustToken({"finance", "000000", ""});

  SECTION("balances of an account, by hand") {
    Json b =
        Ok(w.Get("/v1/balances?division_code=530621&fund=lottery."
                 "provincial&program=SWS.OPS&fiscal_year=2024&" +
                     Q(s.last),
                 finance));
    // a-530621 (30,000,000 received, 5,000,000 paid, ct-1 still owes
    // 15,000,000 from it) + a-530621-b (10,000,000 received, 3,000,000
    // paid, funds no contract).
    CHECK(b == Json{{"balances",
                     {{{"division_code", "530621"},
                       {"fund", "lottery.provincial"},
                       {"program", "SWS.OPS"},
                       {"fiscal_year", 2024},
                       {"appropriated", 0},
                       {"received", 40'000'000},
                       {"issued_down", 0},
                       {"transferred_out", 0},
                       {"recovered", 0},
                       {"paid", 8'000'000},
                       {"committed", 15'000'000},
                       {"balance", 32'000'000},
                       {"available", 17'000'000}}}}});

    Json province =
        Ok(w.Get("/v1/balances?division_code=530000&fund=lottery."
                 "provincial&fiscal_year=2024",
                 a));
    // Within 530000: the province's account and both counties'.
    REQUIRE(province.at("balances").size() == 3);
    const Json& p = province.at("balances")[0];
    CHECK(p.at("division_code") == "530000");
    CHECK(p.at("appropriated") == 100'000'000);
    CHECK(p.at("received") == 100'000'000);
    CHECK(p.at("issued_down") == 45'000'000);
    CHECK(p.at("balance") == 55'000'000);
    CHECK(p.at("available") == 55'000'000);

    CHECK(Ok(w.Get("/v1/balances", a)).at("balances").size() == 5);
    CHECK(Ok(w.Get("/v1/balances?fiscal_year=2023", a)).at("balances").empty());
    // A county token sees its own accounts only.
    std::string other = w.MustToken({"finance", "530622", ""});
    Json mine = Ok(w.Get("/v1/balances", other));
    REQUIRE(mine.at("balances").size() == 1);
    CHECK(mine.at("balances")[0].at("division_code") == "530622");
    CHECK(mine.at("balances")[0].at("available") == 1'000'000);
  }

  SECTION("one lot and one contract") {
    Json lot = Ok(w.Get("/v1/lots/a-530621?" + Q(s.last), a));
    CHECK(lot.at("allocation_id") == "a-530621");
    CHECK(lot.at("kind") == "allocation");
    CHECK(lot.at("division_code") == "530621");
    CHECK(lot.at("parent_allocation_id") == "b-530000");
    CHECK(lot.at("received") == 30'000'000);
    CHECK(lot.at("paid") == 5'000'000);
    CHECK(lot.at("committed") == 15'000'000);
    CHECK(lot.at("balance") == 25'000'000);
    CHECK(lot.at("available") == 10'000'000);
    CHECK(lot.at("received_on") == "2024-03-20");
    CHECK(lot.at("seqs") ==
          Json{s.issue_a, s.received_a, s.contract1, s.pay_ok});

    Json budget = Ok(w.Get("/v1/lots/b-530000", finance));
    CHECK(budget.at("kind") == "budget");
    CHECK(budget.at("issued_down") == 45'000'000);
    CHECK(budget.at("seqs").size() == 4);  // appropriation and three issues

    Json ct = Ok(w.Get("/v1/contracts/ct-1?" + Q(s.last), finance));
    CHECK(ct.at("contract_id") == "ct-1");
    CHECK(ct.at("division_code") == "530621");
    CHECK(ct.at("value_fen") == 20'000'000);
    CHECK(ct.at("paid") == 8'000'000);  // both payments name ct-1
    CHECK(ct.at("remaining") == 12'000'000);
    CHECK(ct.at("funding") == Json::array({{{"allocation_id", "a-530621"},
                                            {"amount_fen", 20'000'000}}}));
    CHECK(ct.at("seqs") == Json{s.contract1, s.pay_ok, s.pay_bad});
  }

  SECTION("cap report per county") {
    Json caps = Ok(w.Get("/v1/reports/caps?fiscal_year=2024&" + Q(s.last), a));
    CHECK(caps.at("as_of") == "2024-06-15");
    REQUIRE(caps.at("counties").size() == 1);
    const Json& c = caps.at("counties")[0];
    CHECK(c.at("division_code") == "530621");
    CHECK(c.at("fiscal_year") == 2024);
    // R07: purchased-service assistance payments (1,000,000) against 1% of
    // the declared 2023 pooled total (200,000,000).
    CHECK(c.at("R07") == Json{{"numerator", 1'000'000},
                              {"pct_bp", 100},
                              {"base_missing", false},
                              {"base", 200'000'000},
                              {"limit", 2'000'000},
                              {"headroom", 1'000'000},
                              {"over", false}});
    // R08: against 5% of every hardship payment at the county (101,000,000).
    CHECK(c.at("R08") == Json{{"numerator", 1'000'000},
                              {"pct_bp", 500},
                              {"base", 101'000'000},
                              {"base_source", "computed"},
                              {"limit", 5'050'000},
                              {"headroom", 4'050'000},
                              {"over", false},
                              {"provisional", true}});
    CHECK(Ok(w.Get("/v1/reports/caps?division_code=530622", a))
              .at("counties")
              .empty());
    CHECK(Ok(w.Get("/v1/reports/caps?fiscal_year=2023", a))
              .at("counties")
              .empty());
    std::string other = w.MustToken({"auditor", "530622", ""});
    CHECK(Ok(w.Get("/v1/reports/caps", other)).at("counties").empty());
  }
}

TEST_CASE("projection reads: tokens, scopes, 404 and bad parameters",
          "[http][projections]") {
  HttpWorld w([](fl::http::ServerOptions& o) {
    o.projection_wait = std::chrono::milliseconds(1000);
  });
  Seqs s = AppendWorld(w);
  const std::string& a = w.auditor();
  Ok(w.Get("/v1/flags?" + Q(s.last), a));  // caught up
  auto before = w.Take();
  Json status_before = Ok(w.Get("/v1/projections", a));
  std::string other = w.MustToken({"finance", "530622", ""});
  std::string agency = w.MustToken({"agency", "530621", "mz-530621"});
  std::string finance = w.MustToken({"finance", "000000", ""});

  const std::vector<std::string> routes = {
      "/v1/balances",   "/v1/lots/a-530621", "/v1/contracts/ct-1",
      "/v1/flags",      "/v1/flags/" + kR01, "/v1/reports/caps",
      "/v1/projections"};
  for (const auto& route : routes) {
    INFO(route);
    auto none = w.Get(route);
    CHECK(none.status == 401);
    CHECK(ProblemCode(none) == "unauthenticated");
    CHECK(none.header("www-authenticate") == "Bearer");
    auto unknown = w.Get(route, "flt_" + std::string(64, '0'));
    CHECK(unknown.status == 401);
    auto by_agency = w.Get(route, agency);
    CHECK(by_agency.status == 403);
    CHECK(ProblemCode(by_agency) == "out_of_scope");
    CHECK(by_agency.header("content-type") == "application/problem+json");
    // Finance reads everything but the workers' status.
    CHECK(w.Get(route, finance).status ==
          (route == "/v1/projections" ? 403 : 200));
  }

  // Another county's token: the lot, contract and flag of 530621 are out
  // of its scope, and its flag list leaves them out.
  for (const std::string& route :
       {std::string("/v1/lots/a-530621"), std::string("/v1/contracts/ct-1"),
        "/v1/flags/" + kR01, "/v1/flags/" + kR14a}) {
    INFO(route);
    auto r = w.Get(route, other);
    CHECK(r.status == 403);
    CHECK(ProblemCode(r) == "out_of_scope");
  }
  CHECK(Ids(Ok(w.Get("/v1/flags", other))) == std::vector<std::string>{kR14b});
  CHECK(Ok(w.Get("/v1/flags/" + kR14b, other)).at("subject") == "530622/2024");
  CHECK(Ok(w.Get("/v1/lots/a-530622", other)).at("received") == 5'000'000);

  for (const std::string& route :
       {std::string("/v1/lots/no-such-lot"),
        std::string("/v1/contracts/no-such-contract"),
        std::string("/v1/flags/0000000000000000")}) {
    INFO(route);
    auto r = w.Get(route, a);
    CHECK(r.status == 404);
    CHECK(ProblemCode(r) == "not_found");
  }

  struct Bad {
    std::string target, field;
  };
  const std::vector<Bad> bad = {
      {"/v1/flags?limit=0", "/limit"},
      {"/v1/flags?limit=1001", "/limit"},
      {"/v1/flags?limit=ten", "/limit"},
      {"/v1/flags?limit=-1", "/limit"},
      {"/v1/flags?as_of=2024-13-01", "/as_of"},
      {"/v1/flags?as_of=2024-6-1", "/as_of"},
      {"/v1/flags?severity=urgent", "/severity"},
      {"/v1/flags?rule=R19", "/rule"},
      {"/v1/flags?status=closed", "/status"},
      {"/v1/flags?cursor=zz", "/cursor"},
      {"/v1/flags?division_code=53", "/division_code"},
      {"/v1/flags/" + kR01 + "?as_of=2024-02-30", "/as_of"},
      {"/v1/balances?fiscal_year=2024.0", "/fiscal_year"},
      {"/v1/balances?fiscal_year=20x4", "/fiscal_year"},
      {"/v1/balances?as_of=yesterday", "/as_of"},
      {"/v1/reports/caps?fiscal_year=MMXXIV", "/fiscal_year"},
      {"/v1/lots/a-530621?min_seq=-1", "/min_seq"},
      // Checked before any wait: the far min_seq is not waited for.
      {"/v1/flags?limit=0&min_seq=99999999", "/limit"},
  };
  for (const auto& b : bad) {
    INFO(b.target);
    auto t0 = Clock::now();
    auto r = w.Get(b.target, a);
    CHECK(r.status == 400);
    CHECK(ProblemCode(r) == "invalid_field");
    CHECK(Json::parse(r.body).value("field", "") == b.field);
    CHECK(Seconds(t0) < 0.9);  // not after a min_seq wait
  }

  // min_seq far beyond the log: 503 after the wait, with Retry-After
  // (the four at once, each on its own connection).
  const std::string far = "?min_seq=" + std::to_string(s.last + 1000);
  std::vector<std::future<std::pair<fl::http::ClientResponse, double>>> lag;
  for (const std::string& route :
       {std::string("/v1/flags"), std::string("/v1/lots/a-530621"),
        std::string("/v1/balances"), "/v1/flags/" + kR01}) {
    lag.push_back(std::async(std::launch::async, [&w, &a, route, far] {
      auto c = w.NewClient();
      auto t0 = Clock::now();
      auto r = c.Get(route + far, a);
      return std::make_pair(r, Seconds(t0));
    }));
  }
  for (auto& f : lag) {
    auto [r, waited] = f.get();
    INFO(r.body);
    CHECK(r.status == 503);
    CHECK(ProblemCode(r) == "projection_lag");
    CHECK(r.header("retry-after") == "1");
    CHECK(r.header("content-type") == "application/problem+json");
    CHECK(waited >= 0.99);
    CHECK(waited < 5);
  }
  // min_seq of an applied entry answers at once.
  CHECK(w.Get("/v1/flags?min_seq=0", a).status == 200);

  // Refused reads changed nothing: the log and the projections alike.
  w.RequireUnchanged(before);
  CHECK(Ok(w.Get("/v1/projections", a)) == status_before);
}

TEST_CASE("min_seq waits for the worker without holding read threads",
          "[http][projections]") {
  HttpWorld w([](fl::http::ServerOptions& o) {
    o.projection_wait = std::chrono::milliseconds(4000);
    o.read_threads = 2;
  });
  const std::string& a = w.auditor();
  // The worker is paused: what is appended now is not applied.
  w.projections().Stop();
  Seqs s = AppendWorld(w);
  Json status = Ok(w.Get("/v1/projections", a));
  REQUIRE(status.at("projections").size() == 10);
  for (const auto& p : status.at("projections")) {
    CHECK(p.at("applied_entries").get<std::uint64_t>() <= s.last);
    CHECK(p.at("tree_size") == s.last + 1);
    CHECK(p.at("lag_entries").get<std::uint64_t>() > 0);
  }
  auto metrics = w.Get("/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.body.find("fundledger_projection_lag_entries{projection="
                          "\"flags\"} 0\n") == std::string::npos);
  CHECK(metrics.body.find("# TYPE fundledger_projection_lag_seconds gauge") !=
        std::string::npos);

  // More waiting readers than read threads.
  constexpr int kWaiting = 6;
  std::vector<std::future<fl::http::ClientResponse>> waiting;
  auto t0 = Clock::now();
  for (int i = 0; i < kWaiting; ++i) {
    waiting.push_back(std::async(std::launch::async, [&w, &a, &s] {
      auto c = w.NewClient();
      return c.Get("/v1/flags/" + kR01 + "?" + Q(s.last), a);
    }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // Other reads, projection reads included, are not stuck behind them.
  auto t1 = Clock::now();
  CHECK(w.Get("/v1/entries/0", a).status == 200);
  CHECK(w.Get("/v1/balances", a).status == 200);
  CHECK(w.Get("/v1/flags/" + kR01, a).status == 404);  // not applied yet
  CHECK(Seconds(t1) < 1.0);  // blocked readers would hold them ~4 s
  for (auto& f : waiting) {
    CHECK(f.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);
  }

  // The worker resumes: every waiting read answers with the flag.
  w.projections().Start();
  for (auto& f : waiting) {
    auto r = f.get();
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(Json::parse(r.body).at("flag_id") == kR01);
  }
  double waited = Seconds(t0);
  CHECK(waited >= 0.2);
  CHECK(waited < 4);

  // Caught up: the gauges say so.
  metrics = w.Get("/metrics");
  std::string size = std::to_string(w.ledger().TreeSize());
  for (const char* name : {"accounts", "flags"}) {
    std::string label = std::string("{projection=\"") + name + "\"} ";
    CHECK(metrics.body.find("fundledger_projection_applied_entries" + label +
                            size + "\n") != std::string::npos);
    CHECK(metrics.body.find("fundledger_projection_lag_entries" + label +
                            "0\n") != std::string::npos);
    CHECK(metrics.body.find("fundledger_projection_lag_seconds" + label +
                            "0\n") != std::string::npos);
    CHECK(metrics.body.find("fundledger_projection_failed" + label + "0\n") !=
          std::string::npos);
  }
}

TEST_CASE("a read held for min_seq is answered 503 when the server stops",
          "[http][projections]") {
  HttpWorld w([](fl::http::ServerOptions& o) {
    o.projection_wait = std::chrono::milliseconds(20'000);
  });
  const std::string& a = w.auditor();
  std::uint64_t far = w.ledger().TreeSize() + 100;
  auto held = std::async(std::launch::async, [&w, &a, far] {
    auto c = w.NewClient();
    return c.Get("/v1/flags?min_seq=" + std::to_string(far), a);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto t0 = Clock::now();
  w.server().Stop();
  auto r = held.get();
  CHECK(r.status == 503);
  CHECK(ProblemCode(r) == "projection_lag");
  CHECK(r.header("retry-after") == "1");
  CHECK(Seconds(t0) < 5);
}
