// The read routes over real sockets: public verification (ledger,
// checkpoint, proofs), entries by token role and scope, operations.
#include <catch2/catch.hpp>
#include <thread>

#include "crypto/encoding.h"
#include "http_fixture.h"
#include "ledger/merkle.h"

using fl::Json;
using fl::test::Budget;
using fl::test::HttpWorld;
using fl::test::ProblemCode;

namespace {

std::vector<fl::Hash> Hashes(const Json& list) {
  std::vector<fl::Hash> out;
  for (const auto& h : list) {
    auto raw = fl::HexDecode(h.get<std::string>());
    REQUIRE(raw);
    REQUIRE(raw->size() == 32);
    fl::Hash x;
    std::copy(raw->begin(), raw->end(), x.begin());
    out.push_back(x);
  }
  return out;
}

void AppendBudgets(HttpWorld& w, int n, const std::string& prefix = "b") {
  for (int i = 0; i < n; ++i) {
    auto r = w.Post(
        "/v1/events",
        w.Envelope(prefix + "-" + std::to_string(i), "budget.appropriated",
                   "cz-530000",
                   Budget(prefix + "-lot-" + std::to_string(i), "530000"))
            .dump());
    REQUIRE(r.status == 201);
  }
}

}  // namespace

TEST_CASE("GET /v1/ledger and /v1/checkpoint describe a verifiable log",
          "[http]") {
  HttpWorld w;
  auto info = w.Get("/v1/ledger");
  REQUIRE(info.status == 200);
  Json j = Json::parse(info.body);
  CHECK(j.size() == 4);
  CHECK(j.at("name") == "test.example");
  CHECK(j.at("origin") == "fundledger/test.example");
  CHECK(j.at("verifier_key") == w.ledger().Info().verifier_key);
  CHECK(j.at("tree_size") == w.ledger().TreeSize());

  auto cp = w.Get("/v1/checkpoint");
  REQUIRE(cp.status == 200);
  CHECK(cp.header("content-type").starts_with("text/plain"));
  auto opened = w.OpenCp(cp.body);
  CHECK(opened.size == w.ledger().TreeSize());
  CHECK(opened.origin == "fundledger/test.example");
}

TEST_CASE(
    "GET /v1/proofs: inclusion and consistency verify; past the tree "
    "is 422",
    "[http]") {
  HttpWorld w;
  auto first_cp = w.OpenCp(w.Get("/v1/checkpoint").body);
  AppendBudgets(w, 12);
  auto last_cp = w.OpenCp(w.Get("/v1/checkpoint").body);
  REQUIRE(last_cp.size == first_cp.size + 12);

  for (std::uint64_t seq = 0; seq < last_cp.size; ++seq) {
    auto res = w.Get("/v1/proofs/inclusion?seq=" + std::to_string(seq) +
                     "&tree_size=" + std::to_string(last_cp.size));
    REQUIRE(res.status == 200);
    Json p = Json::parse(res.body);
    auto entry = w.Get("/v1/entries/" + std::to_string(seq), w.auditor());
    REQUIRE(entry.status == 200);
    auto leaf = Hashes(Json::array({Json::parse(entry.body).at("leaf_hash")}));
    CHECK(fl::VerifyInclusion(leaf[0], seq, last_cp.size,
                              Hashes(p.at("hashes")), last_cp.root));
  }
  // tree_size defaults to the current size.
  auto dflt = w.Get("/v1/proofs/inclusion?seq=0");
  REQUIRE(dflt.status == 200);
  CHECK(Json::parse(dflt.body).at("tree_size") == last_cp.size);

  auto cons =
      w.Get("/v1/proofs/consistency?first=" + std::to_string(first_cp.size) +
            "&second=" + std::to_string(last_cp.size));
  REQUIRE(cons.status == 200);
  Json c = Json::parse(cons.body);
  CHECK(c.at("first") == first_cp.size);
  CHECK(c.at("second") == last_cp.size);
  CHECK(fl::VerifyConsistency(first_cp.size, last_cp.size, first_cp.root,
                              last_cp.root, Hashes(c.at("hashes"))));

  auto before = w.Take();
  for (const std::string& q :
       {"/v1/proofs/inclusion?seq=0&tree_size=" +
            std::to_string(last_cp.size + 1),
        "/v1/proofs/inclusion?seq=" + std::to_string(last_cp.size),
        "/v1/proofs/consistency?first=1&second=" +
            std::to_string(last_cp.size + 1)}) {
    auto res = w.Get(q);
    CHECK(res.status == 422);
    CHECK(ProblemCode(res) == "tree_size_out_of_range");
  }
  for (const std::string& q :
       {std::string("/v1/proofs/inclusion?seq=x"),
        std::string("/v1/proofs/inclusion?seq=-1"),
        std::string("/v1/proofs/consistency?first=1&second=1e3")}) {
    auto res = w.Get(q);
    CHECK(res.status == 400);
    CHECK(ProblemCode(res) == "invalid_field");
  }
  auto missing = w.Get("/v1/proofs/inclusion");
  CHECK(missing.status == 400);
  CHECK(ProblemCode(missing) == "missing_field");
  w.RequireUnchanged(before);
}

TEST_CASE("unknown routes are 404 not_found, wrong methods 405", "[http]") {
  HttpWorld w;
  auto before = w.Take();
  auto nf = w.Get("/v1/nothing");
  CHECK(nf.status == 404);
  CHECK(ProblemCode(nf) == "not_found");
  CHECK(nf.header("content-type") == "application/problem+json");
  auto lots = w.Get("/v1/lots/", w.auditor());  // an empty {allocation_id}
  CHECK(lots.status == 404);
  CHECK(ProblemCode(lots) == "not_found");
  auto method = w.client().Request("DELETE", "/v1/events");
  CHECK(method.status == 405);
  CHECK(method.header("allow") == "POST");
  auto get_events = w.Get("/v1/events");
  CHECK(get_events.status == 405);
  w.RequireUnchanged(before);
}

TEST_CASE("GET /v1/entries/{seq}: roles, scopes and 404", "[http]") {
  HttpWorld w;
  w.world().AddAgency("cz-530600", "finance", "530600");
  AppendBudgets(w, 1);  // by cz-530000, division 530000
  std::uint64_t budget_seq = w.ledger().TreeSize() - 1;
  auto st = w.Post("/v1/events",
                   w.Envelope("st-1", "station.established", "mz-530621",
                              {{"station_id", "st-1"},
                               {"name", "Station"},
                               {"division_code", "530621"},
                               {"date", "2024-01-01"}})
                       .dump());
  REQUIRE(st.status == 201);
  std::uint64_t station_seq = Json::parse(st.body).at("seq");
  auto path = [](std::uint64_t seq) {
    return "/v1/entries/" + std::to_string(seq);
  };

  SECTION("missing or unknown token: 401") {
    auto none = w.Get(path(0));
    CHECK(none.status == 401);
    CHECK(ProblemCode(none) == "unauthenticated");
    auto unknown = w.Get(path(0), "flt_0000");
    CHECK(unknown.status == 401);
    CHECK(ProblemCode(unknown) == "unauthenticated");
    auto basic = w.client().Request(
        "GET", path(0), {}, {}, {{"Authorization", "Basic " + w.auditor()}});
    CHECK(basic.status == 401);
  }

  SECTION("auditor: everything within its scope; 404 past the log") {
    CHECK(w.Get(path(budget_seq), w.auditor()).status == 200);
    CHECK(w.Get(path(station_seq), w.auditor()).status == 200);
    auto past = w.Get(path(w.ledger().TreeSize()), w.auditor());
    CHECK(past.status == 404);
    CHECK(ProblemCode(past) == "not_found");
    auto bad = w.Get("/v1/entries/abc", w.auditor());
    CHECK(bad.status == 400);
  }

  SECTION("finance: within its scope only") {
    std::string county = w.MustToken({"finance", "530621", ""});
    CHECK(w.Get(path(station_seq), county).status == 200);
    auto out = w.Get(path(budget_seq), county);
    CHECK(out.status == 403);
    CHECK(ProblemCode(out) == "out_of_scope");
    std::string province = w.MustToken({"finance", "530000", ""});
    CHECK(w.Get(path(station_seq), province).status == 200);
    CHECK(w.Get(path(budget_seq), province).status == 200);
    // The genesis is the national admin's registration.
    CHECK(w.Get(path(0), province).status == 403);
    // agency.registered for mz-530621 belongs to 530621.
    CHECK(w.Get(path(2), county).status == 200);
  }

  SECTION("agency: only its own entries") {
    std::string mz = w.MustToken({"agency", "530621", "mz-530621"});
    CHECK(w.Get(path(station_seq), mz).status == 200);
    auto other = w.Get(path(budget_seq), mz);
    CHECK(other.status == 403);
    CHECK(ProblemCode(other) == "out_of_scope");
  }

  SECTION("a token created while the server runs works at once") {
    std::string fresh = w.MustToken({"auditor", "000000", ""});
    CHECK(w.Get(path(0), fresh).status == 200);
  }
}

TEST_CASE("GET /v1/entries: auditor pages in seq order with next", "[http]") {
  HttpWorld w;
  AppendBudgets(w, 5);
  std::uint64_t size = w.ledger().TreeSize();

  auto page = w.Get("/v1/entries?start=1&limit=3", w.auditor());
  REQUIRE(page.status == 200);
  Json p = Json::parse(page.body);
  REQUIRE(p.at("entries").size() == 3);
  for (int i = 0; i < 3; ++i) {
    const Json& e = p.at("entries")[i];
    CHECK(e.at("seq") == 1 + i);
    CHECK(e.at("entry").at("seq") == 1 + i);
    CHECK(e.at("leaf_hash") == fl::HexEncode(fl::AsBytes(fl::LeafHash(
                                   fl::Canonicalize(e.at("entry"))))));
  }
  CHECK(p.at("next") == 4);

  auto all = w.Get("/v1/entries?limit=1000", w.auditor());
  REQUIRE(all.status == 200);
  Json a = Json::parse(all.body);
  CHECK(a.at("entries").size() == size);
  CHECK(a.at("next").is_null());

  auto past =
      w.Get("/v1/entries?start=" + std::to_string(size + 5), w.auditor());
  REQUIRE(past.status == 200);
  CHECK(Json::parse(past.body).at("entries").empty());

  CHECK(w.Get("/v1/entries?limit=1001", w.auditor()).status == 400);
  CHECK(w.Get("/v1/entries?limit=0", w.auditor()).status == 400);
  CHECK(w.Get("/v1/entries").status == 401);
  std::string finance = w.MustToken({"finance", "000000", ""});
  auto denied = w.Get("/v1/entries", finance);
  CHECK(denied.status == 403);
  CHECK(ProblemCode(denied) == "out_of_scope");

  // A county auditor sees its county's entries only; next still advances.
  std::string county = w.MustToken({"auditor", "530621", ""});
  auto scoped = w.Get("/v1/entries?start=0&limit=1000", county);
  REQUIRE(scoped.status == 200);
  Json s = Json::parse(scoped.body);
  // The registrations of mz-530621 and zt-station-1.
  REQUIRE(s.at("entries").size() == 2);
  CHECK(s.at("next").is_null());
}

TEST_CASE("/healthz and /metrics", "[http]") {
  HttpWorld w;
  auto h = w.Get("/healthz");
  REQUIRE(h.status == 200);
  CHECK(Json::parse(h.body).at("status") == "ok");

  AppendBudgets(w, 3);
  w.Post("/v1/events", "{");
  auto m = w.Get("/metrics");
  REQUIRE(m.status == 200);
  CHECK(m.header("content-type").starts_with("text/plain"));
  const std::string& t = m.body;
  CHECK(t.find("fundledger_http_requests_total{route=\"POST /v1/events\","
               "status=\"201\"} 3") != std::string::npos);
  CHECK(t.find("fundledger_http_refusals_total{code=\"malformed_json\"} 1") !=
        std::string::npos);
  CHECK(t.find("fundledger_http_appended_events_total 3") != std::string::npos);
  CHECK(t.find("fundledger_http_request_duration_seconds_bucket{route=\"POST "
               "/v1/events\",le=\"+Inf\"} 4") != std::string::npos);
  CHECK(t.find("fundledger_ledger_group_size_bucket{le=\"1\"}") !=
        std::string::npos);
  CHECK(t.find("fundledger_ledger_tree_size " +
               std::to_string(w.ledger().TreeSize())) != std::string::npos);
  CHECK(t.find("fundledger_http_open_connections 1") != std::string::npos);
}

TEST_CASE("one JSON log line per request, never a token", "[http]") {
  HttpWorld w;
  w.Get("/v1/entries/0", w.auditor());
  w.Get("/v1/entries/0", "flt_secret_guess");
  w.Post("/v1/events", "{");
  // The server logs after the write completes: give it a moment.
  std::vector<std::string> log;
  for (int i = 0; i < 200 && log.size() < 3; ++i) {
    log = w.Log();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(log.size() == 3);
  int entries = 0;
  for (const auto& line : log) {
    Json j = Json::parse(line);
    for (const char* k : {"method", "path", "status", "code", "ms", "bytes"}) {
      CHECK(j.contains(k));
    }
    CHECK(line.find(w.auditor()) == std::string::npos);
    CHECK(line.find("flt_secret_guess") == std::string::npos);
    if (j.at("path") == "/v1/entries/0") ++entries;
    if (j.at("status") == 400) CHECK(j.at("code") == "malformed_json");
  }
  CHECK(entries == 2);
}
