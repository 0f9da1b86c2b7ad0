// POST /v1/events and /v1/events:batch over real sockets: receipts,
// repeats, and every refusal row of API.md with nothing stored.
#include <catch2/catch.hpp>

#include "crypto/encoding.h"
#include "http_fixture.h"
#include "ledger/merkle.h"

using fl::Json;
using fl::test::Budget;
using fl::test::HttpWorld;
using fl::test::ProblemCode;

namespace {

Json Problem(const fl::http::ClientResponse& r) {
  REQUIRE(r.header("content-type") == "application/problem+json");
  Json p = Json::parse(r.body);
  CHECK(p.at("status") == r.status);
  CHECK(p.at("title").is_string());
  CHECK(p.at("detail").is_string());
  return p;
}

std::string Nested(int depth) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += "[";
  for (int i = 0; i < depth; ++i) s += "]";
  return s;
}

}  // namespace

TEST_CASE("POST /v1/events: 201 receipt that proves inclusion", "[http]") {
  HttpWorld w;
  Json env = w.Envelope("b-1", "budget.appropriated", "cz-530000",
                        Budget("lot-1", "530000"));
  auto res = w.Post("/v1/events", env.dump());
  REQUIRE(res.status == 201);
  CHECK(res.header("content-type") == "application/json; charset=utf-8");
  Json r = Json::parse(res.body);
  CHECK(r.size() == 5);
  CHECK(r.at("event_id") == "b-1");
  std::uint64_t seq = r.at("seq");
  CHECK(seq == w.ledger().TreeSize() - 1);
  std::string leaf_hex = r.at("leaf_hash");
  CHECK(leaf_hex.size() == 64);
  CHECK(leaf_hex.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(r.at("recorded_at").get<std::string>().ends_with("Z"));
  auto cp = w.OpenCp(r.at("checkpoint"));
  REQUIRE(cp.size > seq);

  auto proof = w.Get("/v1/proofs/inclusion?seq=" + std::to_string(seq) +
                     "&tree_size=" + std::to_string(cp.size));
  REQUIRE(proof.status == 200);
  Json p = Json::parse(proof.body);
  CHECK(p.at("leaf_index") == seq);
  CHECK(p.at("tree_size") == cp.size);
  std::vector<fl::Hash> hashes;
  for (const auto& h : p.at("hashes")) {
    auto raw = fl::HexDecode(h.get<std::string>());
    REQUIRE(raw);
    REQUIRE(raw->size() == 32);
    fl::Hash x;
    std::copy(raw->begin(), raw->end(), x.begin());
    hashes.push_back(x);
  }
  auto leaf = fl::HexDecode(leaf_hex);
  fl::Hash leaf_hash;
  std::copy(leaf->begin(), leaf->end(), leaf_hash.begin());
  CHECK(fl::VerifyInclusion(leaf_hash, seq, cp.size, hashes, cp.root));

  // The entry read back hashes to the receipt's leaf.
  auto entry = w.Get("/v1/entries/" + std::to_string(seq), w.auditor());
  REQUIRE(entry.status == 200);
  Json e = Json::parse(entry.body);
  CHECK(e.at("seq") == seq);
  CHECK(e.at("leaf_hash") == leaf_hex);
  CHECK(e.at("entry").at("event").at("id") == "b-1");
  CHECK(fl::HexEncode(fl::AsBytes(
            fl::LeafHash(fl::Canonicalize(e.at("entry"))))) == leaf_hex);
}

TEST_CASE("POST /v1/events: an exact repeat is 200 with the first receipt",
          "[http]") {
  HttpWorld w;
  Json env = w.Envelope("b-1", "budget.appropriated", "cz-530000",
                        Budget("lot-1", "530000"));
  auto first = w.Post("/v1/events", env.dump());
  REQUIRE(first.status == 201);
  // Another event moves the tree on: the repeat gets a current checkpoint.
  REQUIRE(
      w.Post("/v1/events", w.Envelope("b-2", "budget.appropriated", "cz-530000",
                                      Budget("lot-2", "530000"))
                               .dump())
          .status == 201);
  auto before = w.Take();
  // Same envelope, different key order and spacing: same canonical form.
  auto again = w.Post("/v1/events", env.dump(2));
  REQUIRE(again.status == 200);
  Json a = Json::parse(first.body), b = Json::parse(again.body);
  CHECK(b.at("seq") == a.at("seq"));
  CHECK(b.at("leaf_hash") == a.at("leaf_hash"));
  CHECK(b.at("recorded_at") == a.at("recorded_at"));
  CHECK(b.at("event_id") == "b-1");
  CHECK(w.OpenCp(b.at("checkpoint")).size == before.tree_size);
  w.RequireUnchanged(before);
}

TEST_CASE("every refusal of API.md's table leaves the ledger unchanged",
          "[http]") {
  HttpWorld w;
  w.world().AddAgency("cz-530600", "finance", "530600");
  w.world().AddAgency("mz-530622", "civil_affairs", "530622");
  REQUIRE(
      w.Post("/v1/events", w.Envelope("b-1", "budget.appropriated", "cz-530000",
                                      Budget("lot-1", "530000"))
                               .dump())
          .status == 201);
  // mz-530622's only key is revoked: its events are 401 key_revoked.
  fl::PublicKey revoked = w.world().key("mz-530622").public_key();
  REQUIRE(w.Post("/v1/events", w.Envelope("rv-1", "agency.key_revoked", "admin",
                                          {{"agency", "mz-530622"},
                                           {"key_id", fl::KeyId(revoked)},
                                           {"reason", "lost"}})
                                   .dump())
              .status == 201);
  fl::PrivateKey stranger = fl::PrivateKey::Generate();
  w.world().SetKey("ghost", stranger);
  auto good = [&] {
    return w.Envelope("b-2", "budget.appropriated", "cz-530000",
                      Budget("lot-2", "530000"));
  };

  struct Case {
    const char* name;
    int status;
    const char* code;
    std::string body;
    std::string content_type = "application/json";
    const char* field = nullptr;
  };
  std::string dup = good().dump();
  dup = dup.substr(0, dup.size() - 1) + ",\"event\":{}}";
  std::string fraction = good().dump();
  fraction.replace(fraction.find("1000000"), 7, "1000000.5");
  Json deep = good();
  deep["event"]["data"]["doc_no"] = Json::parse(Nested(40));
  Json big = good();
  big["event"]["data"]["doc_no"] = std::string(70000, 'x');
  Json bad_amount = good();
  Json bad_amount_data = Budget("lot-2", "530000", 0);
  Json extra_data = Budget("lot-2", "530000");
  extra_data["colour"] = "red";
  Json missing_data = Budget("lot-2", "530000");
  missing_data.erase("doc_no");
  Json tampered = good();
  tampered["event"]["data"]["amount_fen"] = 999;

  std::vector<Case> cases = {
      {"malformed json", 400, "malformed_json", "{\"event\":"},
      {"duplicate key", 400, "duplicate_key", dup},
      {"non-integer number", 400, "non_integer_number", fraction},
      {"too deep", 400, "too_deep", deep.dump()},
      {"invalid field", 400, "invalid_field",
       w.Envelope("b-2", "budget.appropriated", "cz-530000", bad_amount_data)
           .dump(),
       "application/json", "/event/data/amount_fen"},
      {"unknown field", 400, "unknown_field",
       w.Envelope("b-2", "budget.appropriated", "cz-530000", extra_data).dump(),
       "application/json", "/event/data/colour"},
      {"missing field", 400, "missing_field",
       w.Envelope("b-2", "budget.appropriated", "cz-530000", missing_data)
           .dump(),
       "application/json", "/event/data/doc_no"},
      {"unknown event type", 400, "unknown_event_type",
       w.Envelope("b-2", "budget.invented", "cz-530000",
                  Budget("lot-2", "530000"))
           .dump()},
      {"bad signature", 401, "bad_signature", tampered.dump()},
      {"unknown key", 401, "unknown_key",
       w.Envelope("b-2", "budget.appropriated", "ghost",
                  Budget("lot-2", "530000"))
           .dump()},
      {"key revoked", 401, "key_revoked",
       w.Envelope("st-1", "station.established", "mz-530622",
                  {{"station_id", "st-1"},
                   {"name", "Station"},
                   {"division_code", "530622"},
                   {"date", "2024-01-01"}})
           .dump()},
      {"forbidden event type", 403, "forbidden_event_type",
       w.Envelope("b-2", "budget.appropriated", "zt-station-1",
                  Budget("lot-2", "530621"))
           .dump()},
      {"out of scope", 403, "out_of_scope",
       w.Envelope("b-2", "budget.appropriated", "cz-530600",
                  Budget("lot-2", "530700"))
           .dump()},
      {"event id conflict", 409, "event_id_conflict",
       w.Envelope("b-1", "budget.appropriated", "cz-530000",
                  Budget("lot-9", "530000"))
           .dump()},
      {"canonical event over 60,000 bytes", 413, "payload_too_large",
       big.dump()},
      {"body over 1 MiB", 413, "payload_too_large",
       std::string((1 << 20) + 100, ' ')},
      {"not JSON", 415, "unsupported_media_type", good().dump(), "text/plain"},
      {"no content type", 415, "unsupported_media_type", good().dump(), ""},
      {"unknown reference", 422, "unknown_reference",
       w.Envelope("r-1", "allocation.received", "mz-530621",
                  {{"allocation_id", "no-such-lot"},
                   {"received_on", "2024-04-01"},
                   {"amount_fen", 100}})
           .dump()},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      auto before = w.Take();
      auto res =
          w.client().Request("POST", "/v1/events", c.body, c.content_type);
      CHECK(res.status == c.status);
      Json p = Problem(res);
      CHECK(ProblemCode(res) == c.code);
      if (c.field) CHECK(p.at("field") == c.field);
      w.RequireUnchanged(before);
    }
  }
}

TEST_CASE("401 answers carry WWW-Authenticate only for tokens", "[http]") {
  HttpWorld w;
  auto res = w.Get("/v1/entries/0");
  CHECK(res.status == 401);
  CHECK(ProblemCode(res) == "unauthenticated");
  CHECK(res.header("www-authenticate") == "Bearer");
}

TEST_CASE("POST /v1/events:batch is all or nothing", "[http]") {
  HttpWorld w;
  auto ok = [&](int i) {
    return w.Envelope("bb-" + std::to_string(i), "budget.appropriated",
                      "cz-530000",
                      Budget("lot-" + std::to_string(i), "530000"));
  };
  auto batch = [](const std::vector<Json>& events) {
    return Json{{"events", events}}.dump();
  };

  SECTION("a good batch gets one receipt per event, in order") {
    // Item 1 uses the lot that item 0 creates.
    Json issue = w.Envelope("ai-1", "allocation.issued", "cz-530000",
                            {{"allocation_id", "lot-child"},
                             {"parent_allocation_id", "lot-0"},
                             {"from_code", "530000"},
                             {"to_code", "530621"},
                             {"fund", "lottery.provincial"},
                             {"program", "SWS.OPS"},
                             {"fiscal_year", 2024},
                             {"amount_fen", 1000},
                             {"pass_through", false},
                             {"doc_no", "d-1"}});
    auto res = w.Post("/v1/events:batch", batch({ok(0), issue, ok(2)}));
    REQUIRE(res.status == 201);
    Json r = Json::parse(res.body).at("receipts");
    REQUIRE(r.size() == 3);
    for (int i = 0; i < 3; ++i) {
      CHECK(r[i].at("seq") == r[0].at("seq").get<std::uint64_t>() + i);
    }
    CHECK(r[1].at("event_id") == "ai-1");
    // The whole batch again: only repeats, 200 with the same receipts.
    auto again = w.Post("/v1/events:batch", batch({ok(0), issue, ok(2)}));
    REQUIRE(again.status == 200);
    Json r2 = Json::parse(again.body).at("receipts");
    for (int i = 0; i < 3; ++i) CHECK(r2[i].at("seq") == r[i].at("seq"));
  }

  SECTION("a bad item refuses the batch, listing every bad item") {
    auto before = w.Take();
    Json unknown_ref = w.Envelope("rc-1", "allocation.received", "mz-530621",
                                  {{"allocation_id", "no-such-lot"},
                                   {"received_on", "2024-04-01"},
                                   {"amount_fen", 100}});
    Json bad_schema = ok(3);
    bad_schema["event"]["data"]["colour"] = "red";
    Json tampered = ok(4);
    tampered["event"]["data"]["amount_fen"] = 5;
    auto res = w.Post("/v1/events:batch",
                      batch({ok(0), unknown_ref, ok(2), bad_schema, tampered}));
    // The first bad item (index 1) sets the status.
    CHECK(res.status == 422);
    Json p = Problem(res);
    CHECK(ProblemCode(res) == "unknown_reference");
    Json errors = p.at("errors");
    REQUIRE(errors.size() == 3);
    CHECK(errors[0].at("index") == 1);
    CHECK(errors[0].at("status") == 422);
    CHECK(errors[0].at("code") == "unknown_reference");
    CHECK(errors[1].at("index") == 3);
    CHECK(errors[1].at("status") == 400);
    CHECK(errors[1].at("code") == "unknown_field");
    CHECK(errors[1].at("field") == "/events/3/event/data/colour");
    CHECK(errors[2].at("index") == 4);
    CHECK(errors[2].at("code") == "bad_signature");
    w.RequireUnchanged(before);
  }

  SECTION("a JSON fault inside an item names the item") {
    auto before = w.Take();
    std::string body = batch({ok(0), ok(1)});
    // A duplicate key in item 1's event.
    auto at = body.find("\"id\":\"bb-1\"");
    body.insert(at, "\"id\":\"x\",");
    auto res = w.Post("/v1/events:batch", body);
    CHECK(res.status == 400);
    Json p = Problem(res);
    CHECK(ProblemCode(res) == "duplicate_key");
    REQUIRE(p.at("errors").size() == 1);
    CHECK(p.at("errors")[0].at("index") == 1);
    CHECK(p.at("errors")[0].at("field") == "/events/1/event/id");
    w.RequireUnchanged(before);
  }

  SECTION("an empty list is 400 invalid_field") {
    auto before = w.Take();
    auto res = w.Post("/v1/events:batch", R"({"events":[]})");
    CHECK(res.status == 400);
    CHECK(ProblemCode(res) == "invalid_field");
    CHECK(Problem(res).at("field") == "/events");
    w.RequireUnchanged(before);
  }

  SECTION("more than 1000 events is 413") {
    auto before = w.Take();
    std::string body = "{\"events\":[";
    for (int i = 0; i < 1001; ++i) body += i ? ",{}" : "{}";
    body += "]}";
    auto res = w.Post("/v1/events:batch", body);
    CHECK(res.status == 413);
    CHECK(ProblemCode(res) == "payload_too_large");
    w.RequireUnchanged(before);
  }

  SECTION("a body over 1 MiB is 413") {
    auto before = w.Take();
    std::string body = "{\"events\":[\"" + std::string(1 << 20, 'x') + "\"]}";
    auto res = w.Post("/v1/events:batch", body);
    CHECK(res.status == 413);
    CHECK(ProblemCode(res) == "payload_too_large");
    w.RequireUnchanged(before);
  }

  SECTION("shape errors of the request object") {
    auto before = w.Take();
    auto missing = w.Post("/v1/events:batch", "{}");
    CHECK(missing.status == 400);
    CHECK(ProblemCode(missing) == "missing_field");
    auto unknown = w.Post("/v1/events:batch", R"({"events":[],"x":1})");
    CHECK(unknown.status == 400);
    CHECK(ProblemCode(unknown) == "unknown_field");
    auto not_array = w.Post("/v1/events:batch", R"({"events":{}})");
    CHECK(not_array.status == 400);
    CHECK(ProblemCode(not_array) == "invalid_field");
    auto malformed = w.Post("/v1/events:batch", R"({"events":[)");
    CHECK(malformed.status == 400);
    CHECK(ProblemCode(malformed) == "malformed_json");
    auto media = w.client().Request("POST", "/v1/events:batch",
                                    R"({"events":[]})", "text/plain");
    CHECK(media.status == 415);
    CHECK(ProblemCode(media) == "unsupported_media_type");
    w.RequireUnchanged(before);
  }
}

TEST_CASE("an agency over its append rate gets 429 with Retry-After",
          "[http]") {
  HttpWorld w([](fl::http::ServerOptions& o) { o.agency_rate = 1; });
  auto post = [&](int i) {
    return w.Post(
        "/v1/events",
        w.Envelope("b-" + std::to_string(i), "budget.appropriated", "cz-530000",
                   Budget("lot-" + std::to_string(i), "530000"))
            .dump());
  };
  // One second of burst, then refusals.
  int accepted = 0;
  fl::http::ClientResponse refused;
  for (int i = 0; i < 5; ++i) {
    auto before = w.Take();
    auto r = post(i);
    if (r.status == 201) {
      ++accepted;
      continue;
    }
    refused = r;
    CHECK(r.status == 429);
    CHECK(ProblemCode(r) == "rate_limited");
    CHECK(std::stoi(r.header("retry-after")) >= 1);
    w.RequireUnchanged(before);
    break;
  }
  CHECK(accepted >= 1);
  CHECK(refused.status == 429);
  // Another agency is not slowed by the first one's rate.
  auto other = w.Post("/v1/events",
                      w.Envelope("st-1", "station.established", "mz-530621",
                                 {{"station_id", "st-1"},
                                  {"name", "Station"},
                                  {"division_code", "530621"},
                                  {"date", "2024-01-01"}})
                          .dump());
  CHECK(other.status == 201);
}
