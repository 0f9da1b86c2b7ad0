// The console's reads over real sockets: GET /v1/lots and /v1/contracts
// (pages, filters, as_of, scope, CSV), a flag's review history in
// GET /v1/flags/{id}, the flag summary's months, and the console's files
// gzipped for clients that take gzip.
#include <catch2/catch.hpp>
#include <map>

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

namespace {

std::string FlagIdOf(const std::string& rule, const std::string& subject) {
  return fl::HexEncode(fl::AsBytes(fl::Sha256(rule + "|" + subject)))
      .substr(0, 16);
}

const std::string kSupplier1 = MakeUscc("52530621MJY12345X");
const std::string kSupplier2 = MakeUscc("52530622MJY54321A");
const std::string kR01 = FlagIdOf("R01", "pay-bad");

Json Payment(const std::string& id, const std::string& lot, std::int64_t amount,
             const std::string& invoice) {
  return {
      {"payment_id", id},           {"allocation_id", lot},
      {"payee_uscc", kSupplier1},   {"amount_fen", amount},
      {"paid_on", "2024-06-15"},    {"economic_class", "commissioned_services"},
      {"service_category", "care"}, {"purpose", "elderly"},
      {"invoice_no", invoice},      {"contract_id", "ct-1"}};
}

// Five lots (a budget, three issues, a 2023 hardship budget), two
// contracts, an R01 payment and an exception approved for it.
std::uint64_t AppendWorld(HttpWorld& w, std::uint64_t* exception_seq) {
  w.world().AddAgency("mz-530622", "civil_affairs", "530622");
  auto ev = [&](const std::string& id, const std::string& type,
                const std::string& agency, const Json& data,
                const std::string& date) {
    return w.world().Envelope(id, type, agency, data, date + "T08:00:00Z");
  };
  const std::string lottery = "lottery.provincial";
  std::vector<Json> events = {
      ev("e-bud", "budget.appropriated", "cz-530000",
         BudgetData("b-530000", lottery, "530000", "SWS.OPS", 100'000'000,
                    2024),
         "2024-01-15"),
      ev("e-bud-h", "budget.appropriated", "mz-530621",
         BudgetData("h-530621", "assistance.hardship_subsidy", "530621",
                    "ASSIST.BENEFIT", 7'000'000, 2023),
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
      ev("e-ct-1", "contract.signed", "mz-530621",
         ContractData("ct-1", "530621", kSupplier1, "a-530621", 20'000'000),
         "2024-04-10"),
      ev("e-ct-2", "contract.signed", "mz-530622",
         ContractData("ct-2", "530622", kSupplier2, "a-530622", 4'000'000),
         "2024-04-10"),
      ev("e-pay-ok", "payment.made", "mz-530621",
         Payment("pay-ok", "a-530621", 5'000'000, "INV-1"), "2024-06-15"),
      // R01: paid under ct-1 from a lot its funding[] does not name.
      ev("e-pay-bad", "payment.made", "mz-530621",
         Payment("pay-bad", "a-530621-b", 3'000'000, "INV-2"), "2024-06-15"),
      ev("e-exc", "exception.approved", "cz-530000",
         {{"rule", "R01"}, {"ref", "pay-bad"}, {"doc_no", "云财社〔2024〕9号"}},
         "2024-07-01"),
  };
  auto r = w.Post("/v1/events:batch", Json{{"events", events}}.dump());
  REQUIRE(r.status == 201);
  Json receipts = Json::parse(r.body).at("receipts");
  REQUIRE(receipts.size() == events.size());
  *exception_seq = receipts.back().at("seq").get<std::uint64_t>();
  return *exception_seq;
}

Json Ok(const fl::http::ClientResponse& r) {
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type").starts_with("application/json"));
  Json j = Json::parse(r.body);
  CHECK(r.body == fl::Canonicalize(j));
  return j;
}

std::vector<std::string> Ids(const Json& page, const std::string& list,
                             const std::string& key) {
  std::vector<std::string> out;
  for (const auto& x : page.at(list)) out.push_back(x.at(key));
  return out;
}
std::vector<std::string> Lots(const Json& page) {
  return Ids(page, "lots", "allocation_id");
}
std::vector<std::string> Contracts(const Json& page) {
  return Ids(page, "contracts", "contract_id");
}

std::vector<std::string> CsvLines(const std::string& body) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < body.size()) {
    auto end = body.find("\r\n", start);
    REQUIRE(end != std::string::npos);  // every row ends in CRLF
    out.push_back(body.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto comma = line.find(',', start);
    out.push_back(line.substr(start, comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

}  // namespace

TEST_CASE("GET /v1/lots and /v1/contracts: pages, filters, as_of",
          "[http][projections][console]") {
  HttpWorld w;
  std::uint64_t exc = 0;
  const std::uint64_t last = AppendWorld(w, &exc);
  const std::string& a = w.auditor();
  const std::string q = "min_seq=" + std::to_string(last);

  Json all = Ok(w.Get("/v1/lots?" + q, a));
  CHECK(Lots(all) == std::vector<std::string>{"a-530621", "a-530621-b",
                                              "a-530622", "b-530000",
                                              "h-530621"});
  CHECK(all.at("next_cursor").is_null());
  CHECK(all.at("as_of") == "2024-07-01");

  SECTION("a row is the lot's own view without its lists") {
    for (const auto& row : all.at("lots")) {
      Json one = Ok(
          w.Get("/v1/lots/" + row.at("allocation_id").get<std::string>(), a));
      for (const char* k : {"as_of", "targets", "seqs"}) one.erase(k);
      CHECK(row == one);
    }
    const Json& lot = all.at("lots")[0];
    CHECK(lot.at("received") == 30'000'000);
    CHECK(lot.at("paid") == 5'000'000);
    CHECK(lot.at("committed") == 15'000'000);
    CHECK(lot.at("available") == 10'000'000);
  }

  SECTION("limit pages through every lot via next_cursor") {
    Json walked = Json::array();
    std::string cursor;
    int pages = 0;
    for (; pages < 10; ++pages) {
      Json page = Ok(w.Get(
          "/v1/lots?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), a));
      REQUIRE(!page.at("lots").empty());
      CHECK(page.at("lots").size() <= 2);
      for (const auto& l : page.at("lots")) walked.push_back(l);
      if (page.at("next_cursor").is_null()) break;
      cursor = page.at("next_cursor");
      CHECK(cursor == page.at("lots").back().at("allocation_id"));
    }
    CHECK(pages == 2);  // 2 + 2 + 1
    CHECK(walked == all.at("lots"));
    // A cursor need not be an existing id: the page starts after it.
    CHECK(Lots(Ok(w.Get("/v1/lots?cursor=a-6", a))) ==
          std::vector<std::string>{"b-530000", "h-530621"});
  }

  SECTION("filters and as_of") {
    CHECK(Lots(Ok(w.Get("/v1/lots?division_code=530621", a))) ==
          std::vector<std::string>{"a-530621", "a-530621-b", "h-530621"});
    CHECK(Lots(Ok(w.Get("/v1/lots?fund=lottery.provincial&division_code="
                        "530622",
                        a))) == std::vector<std::string>{"a-530622"});
    CHECK(Lots(Ok(w.Get("/v1/lots?fiscal_year=2023", a))) ==
          std::vector<std::string>{"h-530621"});
    CHECK(Lots(Ok(w.Get("/v1/lots?program=ASSIST.BENEFIT", a))) ==
          std::vector<std::string>{"h-530621"});
    // Empty values are no filter; unknown parameters are ignored.
    CHECK(Lots(Ok(w.Get("/v1/lots?fund=&colour=red", a))) == Lots(all));
    // Before the issues: the two budgets only.
    Json early = Ok(w.Get("/v1/lots?as_of=2024-02-01", a));
    CHECK(Lots(early) == std::vector<std::string>{"b-530000", "h-530621"});
    CHECK(early.at("as_of") == "2024-02-01");

    Json cts = Ok(w.Get("/v1/contracts", a));
    CHECK(Contracts(cts) == std::vector<std::string>{"ct-1", "ct-2"});
    CHECK(Contracts(Ok(w.Get("/v1/contracts?division_code=530622", a))) ==
          std::vector<std::string>{"ct-2"});
    CHECK(Contracts(Ok(w.Get("/v1/contracts?fiscal_year=2024&program=SWS.OPS",
                             a))) == Contracts(cts));
    CHECK(Contracts(Ok(w.Get("/v1/contracts?fiscal_year=2023", a))).empty());
    CHECK(Contracts(Ok(w.Get("/v1/contracts?as_of=2024-04-01", a))).empty());
    Json page = Ok(w.Get("/v1/contracts?limit=1", a));
    CHECK(Contracts(page) == std::vector<std::string>{"ct-1"});
    CHECK(page.at("next_cursor") == "ct-1");
    // A row is the contract's view without its lists, with its year.
    for (const auto& row : cts.at("contracts")) {
      Json one = Ok(w.Get(
          "/v1/contracts/" + row.at("contract_id").get<std::string>(), a));
      for (const char* k :
           {"stations", "items", "funding", "milestones", "seqs"})
        one.erase(k);
      one["fiscal_year"] = 2024;
      CHECK(row == one);
    }
    CHECK(cts.at("contracts")[0].at("paid") == 8'000'000);
  }
}

TEST_CASE("GET /v1/lots and /v1/contracts: tokens, scope, bad parameters",
          "[http][projections][console]") {
  HttpWorld w;
  std::uint64_t exc = 0;
  const std::uint64_t last = AppendWorld(w, &exc);
  Ok(w.Get("/v1/lots?min_seq=" + std::to_string(last), w.auditor()));
  std::string county = w.MustToken({"finance", "530622", ""});
  std::string agency = w.MustToken({"agency", "530621", "mz-530621"});

  for (const std::string route : {"/v1/lots", "/v1/contracts"}) {
    INFO(route);
    auto none = w.Get(route);
    CHECK(none.status == 401);
    CHECK(ProblemCode(none) == "unauthenticated");
    auto by_agency = w.Get(route, agency);
    CHECK(by_agency.status == 403);
    CHECK(ProblemCode(by_agency) == "out_of_scope");
    auto csv_by_agency = w.Get(route + "?format=csv", agency);
    CHECK(csv_by_agency.status == 403);
    CHECK(csv_by_agency.header("content-type") == "application/problem+json");
  }
  // A county token lists what lies within its scope only, whatever the
  // filter asks.
  CHECK(Lots(Ok(w.Get("/v1/lots", county))) ==
        std::vector<std::string>{"a-530622"});
  CHECK(Contracts(Ok(w.Get("/v1/contracts", county))) ==
        std::vector<std::string>{"ct-2"});
  CHECK(Lots(Ok(w.Get("/v1/lots?division_code=530621", county))).empty());
  CHECK(Lots(Ok(w.Get("/v1/lots?division_code=530000", county))) ==
        std::vector<std::string>{"a-530622"});

  struct Bad {
    std::string target, field;
  };
  const std::vector<Bad> bad = {
      {"/v1/lots?limit=0", "/limit"},
      {"/v1/lots?limit=1001", "/limit"},
      {"/v1/contracts?limit=x", "/limit"},
      {"/v1/lots?cursor=a/b", "/cursor"},
      {"/v1/contracts?cursor=" + std::string(65, 'a'), "/cursor"},
      {"/v1/lots?fiscal_year=20x4", "/fiscal_year"},
      {"/v1/contracts?division_code=53", "/division_code"},
      {"/v1/lots?as_of=2024-02-30", "/as_of"},
      {"/v1/contracts?min_seq=-1", "/min_seq"},
      {"/v1/lots?format=xml", "/format"},
  };
  for (const auto& b : bad) {
    INFO(b.target);
    auto r = w.Get(b.target, w.auditor());
    CHECK(r.status == 400);
    CHECK(ProblemCode(r) == "invalid_field");
    CHECK(Json::parse(r.body).value("field", "") == b.field);
  }
}

TEST_CASE("GET /v1/lots and /v1/contracts?format=csv",
          "[http][projections][console]") {
  HttpWorld w;
  std::uint64_t exc = 0;
  const std::uint64_t last = AppendWorld(w, &exc);
  const std::string& a = w.auditor();
  Json lots = Ok(w.Get("/v1/lots?min_seq=" + std::to_string(last), a));

  auto r = w.Get("/v1/lots?format=csv", a);
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type") == "text/csv; charset=utf-8");
  CHECK(r.header("content-disposition") == "attachment; filename=\"lots.csv\"");
  REQUIRE(r.body.starts_with("\xEF\xBB\xBF"));
  auto lines = CsvLines(r.body.substr(3));
  REQUIRE(lines.size() == 1 + lots.at("lots").size());
  auto header = Cells(lines[0]);
  auto col = [&](const std::string& name) {
    auto it = std::find(header.begin(), header.end(), name);
    REQUIRE(it != header.end());
    return static_cast<std::size_t>(it - header.begin());
  };
  for (std::size_t i = 0; i < lots.at("lots").size(); ++i) {
    const Json& l = lots.at("lots")[i];
    auto c = Cells(lines[i + 1]);
    REQUIRE(c.size() == header.size());
    CHECK(c[col("allocation_id")] == l.at("allocation_id"));
    CHECK(c[col("division_code")] == l.at("division_code"));
    CHECK(!c[col("division_name")].empty());
    CHECK(c[col("balance_fen")] == std::to_string(l.at("balance").get<long>()));
    CHECK(c[col("as_of")] == "2024-07-01");
  }
  // a-530621: 25,000,000 fen balance is 250000.00 yuan.
  CHECK(Cells(lines[1])[col("balance_yuan")] == "250000.00");
  CHECK(Cells(lines[1])[col("division_name")] == "鲁甸县");

  // Filters and pages apply as in JSON.
  auto page = w.Get("/v1/contracts?format=csv&limit=1&division_code=530622", a);
  REQUIRE(page.status == 200);
  CHECK(page.header("content-disposition") ==
        "attachment; filename=\"contracts.csv\"");
  auto cl = CsvLines(page.body.substr(3));
  REQUIRE(cl.size() == 2);
  auto ch = Cells(cl[0]);
  auto cc = Cells(cl[1]);
  REQUIRE(cc.size() == ch.size());
  std::map<std::string, std::string> row;
  for (std::size_t i = 0; i < ch.size(); ++i) row[ch[i]] = cc[i];
  CHECK(row["contract_id"] == "ct-2");
  CHECK(row["value_yuan"] == "40000.00");
  CHECK(row["value_fen"] == "4000000");
  CHECK(row["fiscal_year"] == "2024");
  CHECK(row["period_start"] == "2024-04-01");
  CHECK(row["terminated"] == "false");
}

TEST_CASE("a flag's review history and the summary's months",
          "[http][projections][console]") {
  HttpWorld w;
  std::uint64_t exc = 0;
  const std::uint64_t last = AppendWorld(w, &exc);
  const std::string& a = w.auditor();
  Json flag =
      Ok(w.Get("/v1/flags/" + kR01 + "?min_seq=" + std::to_string(last), a));
  CHECK(flag.at("severity") == "info");  // the exception
  CHECK(flag.at("reviews") == Json::array({{{"seq", exc},
                                            {"type", "exception.approved"},
                                            {"date", "2024-07-01"},
                                            {"agency", "cz-530000"},
                                            {"status", nullptr},
                                            {"doc_no", "云财社〔2024〕9号"},
                                            {"note", nullptr}}}));
  // Before the approval: no history, the flag as it was.
  Json before = Ok(w.Get("/v1/flags/" + kR01 + "?as_of=2024-06-30", a));
  CHECK(before.at("reviews") == Json::array());
  CHECK(before.at("severity") == "critical");
  // A flag nobody reviewed.
  Json flags = Ok(w.Get("/v1/flags", a));
  for (const auto& f : flags.at("flags")) {
    if (f.at("flag_id") == kR01) continue;
    Json other =
        Ok(w.Get("/v1/flags/" + f.at("flag_id").get<std::string>(), a));
    CHECK(other.at("reviews") == Json::array());
  }

  // Months: each flag counted at the month of its first evidence entry.
  std::map<std::string, std::int64_t> want;
  for (const auto& f : flags.at("flags")) {
    auto seq = f.at("evidence")[0].get<std::uint64_t>();
    Json entry = Ok(w.Get("/v1/entries/" + std::to_string(seq), a));
    ++want[entry.at("entry")
               .at("event")
               .at("occurred_at")
               .get<std::string>()
               .substr(0, 7)];
  }
  Json sum = Ok(w.Get("/v1/reports/flags", a));
  std::map<std::string, std::int64_t> got;
  for (const auto& m : sum.at("by_month"))
    got[m.at("month")] = m.at("count").get<std::int64_t>();
  CHECK(got == want);
  CHECK(sum.at("total") == flags.at("flags").size());
}

TEST_CASE("console files go gzipped to clients that accept gzip",
          "[http][console]") {
  HttpWorld w;
  auto plain = w.client().Get("/console/echarts.min.js");
  REQUIRE(plain.status == 200);
  CHECK(plain.header("content-encoding").empty());
  CHECK(plain.header("vary") == "Accept-Encoding");
  CHECK(plain.body.size() > 400'000);
  for (const std::string accept :
       {"gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*"}) {
    INFO(accept);
    auto gz = w.client().Request("GET", "/console/echarts.min.js", "", "",
                                 {{"Accept-Encoding", accept}});
    REQUIRE(gz.status == 200);
    CHECK(gz.header("content-encoding") == "gzip");
    CHECK(gz.header("content-type") == plain.header("content-type"));
    REQUIRE(gz.body.size() > 2);
    CHECK(static_cast<unsigned char>(gz.body[0]) == 0x1f);
    CHECK(static_cast<unsigned char>(gz.body[1]) == 0x8b);
    CHECK(gz.body.size() * 2 < plain.body.size());
  }
  for (const std::string accept : {"gzip;q=0", "deflate, br", "identity"}) {
    INFO(accept);
    auto r = w.client().Request("GET", "/console/echarts.min.js", "", "",
                                {{"Accept-Encoding", accept}});
    REQUIRE(r.status == 200);
    CHECK(r.header("content-encoding").empty());
    CHECK(r.body == plain.body);
  }
  // app.js and style.css too; index.html is too small to gain; the API's
  // JSON is not compressed.
  for (const std::string path : {"/console/app.js", "/console/style.css"}) {
    auto r =
        w.client().Request("GET", path, "", "", {{"Accept-Encoding", "gzip"}});
    CHECK(r.header("content-encoding") == "gzip");
  }
  auto page =
      w.client().Request("GET", "/", "", "", {{"Accept-Encoding", "gzip"}});
  CHECK(page.status == 200);
  CHECK(page.body.starts_with("<!doctype html>"));
  auto api = w.client().Request("GET", "/v1/ledger", "", "",
                                {{"Accept-Encoding", "gzip"}});
  CHECK(api.header("content-encoding").empty());
}
