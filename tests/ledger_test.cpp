// The appender end to end on real RocksDB: receipts, proofs, repeats, and
// every refusal leaving the database byte-for-byte unchanged.
#include <catch2/catch.hpp>
#include <random>
#include <set>
#include <thread>

#include "api/http/http_status_map.h"
#include "crypto/encoding.h"
#include "crypto/signed_note.h"
#include "ledger/checkpoint.h"
#include "ledger/entry.h"
#include "ledger/limits.h"
#include "ledger/merkle.h"
#include "ledger/overlay.h"
#include "ledger/public_key_cache.h"
#include "ledger/verifier.h"
#include "test_world.h"

using fl::Json;
using fl::test::World;

namespace {

Json Budget(const std::string& alloc, const std::string& division,
            std::int64_t amount = 1'000'000) {
  return {{"allocation_id", alloc},       {"fiscal_year", 2024},
          {"fund", "lottery.provincial"}, {"division_code", division},
          {"program", "SWS.OPS"},         {"amount_fen", amount},
          {"doc_no", "云财社〔2024〕1号"}};
}

// allocation.issued of 500 fen from lot-1 (province) down to 530621.
Json IssueFromLot1(const std::string& alloc, const std::string& doc_no) {
  return {{"allocation_id", alloc},       {"parent_allocation_id", "lot-1"},
          {"from_code", "530000"},        {"to_code", "530621"},
          {"fund", "lottery.provincial"}, {"program", "SWS.OPS"},
          {"fiscal_year", 2024},          {"amount_fen", 500},
          {"pass_through", false},        {"doc_no", doc_no}};
}

fl::Checkpoint OpenCp(fl::Ledger& l, const std::string& note) {
  auto v = fl::ParseVerifierKey(l.Info().verifier_key);
  REQUIRE(v.ok());
  auto cp = fl::OpenCheckpoint(note, *v);
  REQUIRE(cp.ok());
  return *cp;
}

// World with a provincial finance bureau and a county civil-affairs bureau.
struct Yunnan : World {
  Yunnan() {
    AddAgency("cz-530000", "finance", "530000");
    AddAgency("mz-530621", "civil_affairs", "530621");
    AddAgency("zt-station-1", "station", "530621");
  }
};

}  // namespace

TEST_CASE("init writes a self-signed genesis and a verifiable checkpoint",
          "[ledger]") {
  World w;
  auto& l = w.ledger();
  REQUIRE(l.TreeSize() == 1);
  auto entry = l.EntryAt(0);
  REQUIRE(entry.ok());
  Json e = Json::parse(*entry);
  CHECK(e["prev"] == std::string(64, '0'));
  CHECK(e["seq"] == 0);
  CHECK(e["event"]["type"] == "agency.registered");
  auto cp = OpenCp(l, l.LatestCheckpoint());
  CHECK(cp.size == 1);
  CHECK(cp.root == fl::LeafHash(*entry));
  CHECK(l.Info().origin == "fundledger/test.example");
}

TEST_CASE("receipts carry checkpoints that prove inclusion and growth",
          "[ledger]") {
  Yunnan w;
  auto& l = w.ledger();
  std::vector<fl::Receipt> receipts;
  for (int i = 0; i < 20; ++i) {
    receipts.push_back(w.MustAppend(
        w.Envelope("b-" + std::to_string(i), "budget.appropriated", "cz-530000",
                   Budget("lot-" + std::to_string(i), "530000"))));
  }
  for (const auto& r : receipts) {
    auto cp = OpenCp(l, r.checkpoint);
    REQUIRE(cp.size > r.seq);
    auto proof = l.InclusionProof(r.seq, cp.size);
    REQUIRE(proof.ok());
    CHECK(fl::VerifyInclusion(r.leaf_hash, r.seq, cp.size, *proof, cp.root));
    auto entry = l.EntryAt(r.seq);
    REQUIRE(entry.ok());
    CHECK(fl::LeafHash(*entry) == r.leaf_hash);
  }
  auto first = OpenCp(l, receipts.front().checkpoint);
  auto last = OpenCp(l, l.LatestCheckpoint());
  auto cproof = l.ConsistencyProof(first.size, last.size);
  REQUIRE(cproof.ok());
  CHECK(fl::VerifyConsistency(first.size, last.size, first.root, last.root,
                              *cproof));
  // A proof past the tree is refused.
  auto past = l.InclusionProof(0, l.TreeSize() + 1);
  REQUIRE_FALSE(past.ok());
  CHECK(past.error().reason == "tree_size_out_of_range");
}

TEST_CASE("an exact repeat returns the first receipt and stores nothing",
          "[ledger]") {
  Yunnan w;
  Json env = w.Envelope("b-1", "budget.appropriated", "cz-530000",
                        Budget("lot-1", "530000"));
  fl::Receipt first = w.MustAppend(env);
  std::string before = fl::test::DumpDb(w.dir());
  fl::UnitResult again = w.Append(env);
  REQUIRE(again.ok());
  const fl::Receipt& r = again.receipts.front();
  CHECK(r.repeat);
  CHECK(r.seq == first.seq);
  CHECK(r.leaf_hash == first.leaf_hash);
  CHECK(r.recorded_at == first.recorded_at);
  CHECK(fl::test::DumpDb(w.dir()) == before);
}

TEST_CASE("every refused append leaves the database unchanged", "[ledger]") {
  Yunnan w;
  w.AddAgency("cz-530600", "finance", "530600");
  w.MustAppend(w.Envelope("b-1", "budget.appropriated", "cz-530000",
                          Budget("lot-1", "530000")));
  fl::PrivateKey stranger = fl::PrivateKey::Generate();

  struct Case {
    std::string name, code;
    int status;
    std::function<std::string()> body;
  };
  std::vector<Case> cases = {
      {"malformed json", "malformed_json", 400,
       [] { return std::string("{\"event\":"); }},
      {"duplicate key", "duplicate_key", 400,
       [&] {
         std::string s = w.Envelope("b-2", "budget.appropriated", "cz-530000",
                                    Budget("lot-2", "530000"))
                             .dump();
         return s.substr(0, s.size() - 1) + ",\"event\":{}}";
       }},
      {"missing field", "missing_field", 400,
       [&] {
         Json d = Budget("lot-2", "530000");
         d.erase("doc_no");
         return w.Envelope("b-2", "budget.appropriated", "cz-530000", d).dump();
       }},
      {"id reuse", "event_id_conflict", 409,
       [&] {
         return w
             .Envelope("b-1", "budget.appropriated", "cz-530000",
                       Budget("lot-9", "530000"))
             .dump();
       }},
      {"bad signature", "bad_signature", 401,
       [&] {
         Json e = w.Envelope("b-2", "budget.appropriated", "cz-530000",
                             Budget("lot-2", "530000"));
         e["event"]["data"]["amount_fen"] = 999;  // changed after signing
         return e.dump();
       }},
      {"unknown key", "unknown_key", 401,
       [&] {
         World& ww = w;
         ww.SetKey("ghost", stranger);
         Json e = ww.Envelope("b-2", "budget.appropriated", "ghost",
                              Budget("lot-2", "530000"));
         return e.dump();
       }},
      {"forbidden type", "forbidden_event_type", 403,
       [&] {
         return w
             .Envelope("b-2", "budget.appropriated", "zt-station-1",
                       Budget("lot-2", "530621"))
             .dump();
       }},
      {"out of scope", "out_of_scope", 403,
       [&] {
         return w
             .Envelope("b-2", "budget.appropriated", "cz-530600",
                       Budget("lot-2", "530700"))
             .dump();
       }},
      {"unknown reference", "unknown_reference", 422,
       [&] {
         return w
             .Envelope("r-1", "allocation.received", "mz-530621",
                       {{"allocation_id", "no-such-lot"},
                        {"received_on", "2024-04-01"},
                        {"amount_fen", 100}})
             .dump();
       }},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      std::string before = fl::test::DumpDb(w.dir());
      auto size = w.ledger().TreeSize();
      auto cp = w.ledger().LatestCheckpoint();
      auto& l = w.ledger();
      fl::UnitResult r = l.AppendOne(l.Prepare(c.body()));
      REQUIRE_FALSE(r.ok());
      CHECK(r.errors.front().error.reason == c.code);
      CHECK(fl::http::HttpStatus(r.errors.front().error) == c.status);
      CHECK(l.TreeSize() == size);
      CHECK(l.LatestCheckpoint() == cp);
      CHECK(fl::test::DumpDb(w.dir()) == before);
    }
  }
}

// The committing leader answers lot, contract and station lookups from
// memory (ledger/overlay.h). Those rows never change once written, so a
// kept row is always right; an absence must never be kept, since a later
// group may create the row.
TEST_CASE("the leader's row cache keeps rows, never absences", "[ledger]") {
  Yunnan w;
  Json received = w.Envelope("r-1", "allocation.received", "mz-530621",
                             {{"allocation_id", "lot-2"},
                              {"received_on", "2024-04-01"},
                              {"amount_fen", 100}});
  fl::UnitResult early = w.Append(received);
  REQUIRE_FALSE(early.ok());
  CHECK(early.errors[0].error.reason == "unknown_reference");
  w.MustAppend(w.Envelope("b-1", "budget.appropriated", "cz-530000",
                          Budget("lot-1", "530000")));
  w.MustAppend(w.Envelope("a-1", "allocation.issued", "cz-530000",
                          IssueFromLot1("lot-2", "云财社〔2024〕2号")));
  // The lot refused as unknown above is found now that it exists.
  w.MustAppend(received);
  // And a row the leader holds still refuses a second creation.
  std::string before = fl::test::DumpDb(w.dir());
  fl::UnitResult again = w.Append(w.Envelope(
      "b-2", "budget.appropriated", "cz-530000", Budget("lot-1", "530000")));
  REQUIRE_FALSE(again.ok());
  CHECK(again.errors[0].error.reason == "invalid_field");
  CHECK(again.errors[0].error.detail.find("already exists") !=
        std::string::npos);
  CHECK(fl::test::DumpDb(w.dir()) == before);
}

TEST_CASE("the leader's row cache stays within its bound", "[ledger]") {
  fl::RowCache cache;
  cache.Keep("k/key-1", "active");
  cache.Keep("k/key-1", "revoked at 7");  // identity rows change
  const std::size_t bound = fl::limits::kMaxCachedSubjectRows;
  for (std::size_t i = 0; i <= bound; ++i) {
    cache.Keep("l/lot-" + std::to_string(i), "row " + std::to_string(i));
  }
  CHECK(cache.subject_rows() >= 1);
  CHECK(cache.subject_rows() <= bound);
  const std::string* last = cache.Find("l/lot-" + std::to_string(bound));
  REQUIRE(last != nullptr);
  CHECK(*last == "row " + std::to_string(bound));
  CHECK(cache.Find("l/lot-unknown") == nullptr);
  const std::string* key = cache.Find("k/key-1");
  REQUIRE(key != nullptr);
  CHECK(*key == "revoked at 7");  // the bound forgets subject rows only
}

TEST_CASE("Prepare's key cache stays within its bound", "[ledger]") {
  fl::PublicKeyCache cache(4);
  fl::PublicKey a{}, b{};
  a[0] = 1;
  b[0] = 2;
  CHECK_FALSE(cache.Find("id-a").has_value());
  cache.Keep("id-a", a);
  REQUIRE(cache.Find("id-a").has_value());
  CHECK(*cache.Find("id-a") == a);
  cache.Keep("id-a", b);  // a key_id names one key: the first stays
  CHECK(*cache.Find("id-a") == a);
  for (int i = 0; i < 10; ++i) {
    cache.Keep("id-" + std::to_string(i), b);
    CHECK(cache.size() <= 4);
  }
  CHECK(*cache.Find("id-9") == b);
}

TEST_CASE("a batch is all or nothing and sees its own earlier items",
          "[ledger]") {
  Yunnan w;
  std::string before = fl::test::DumpDb(w.dir());
  Json good1 = w.Envelope("b-1", "budget.appropriated", "cz-530000",
                          Budget("lot-1", "530000"));
  Json uses1 = w.Envelope("a-1", "allocation.issued", "cz-530000",
                          IssueFromLot1("lot-2", "云财社〔2024〕2号"));
  Json bad = w.Envelope("r-1", "allocation.received", "mz-530621",
                        {{"allocation_id", "missing"},
                         {"received_on", "2024-04-01"},
                         {"amount_fen", 100}});
  fl::UnitResult r = w.AppendBatch({good1, uses1, bad});
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].index == 2);
  CHECK(r.errors[0].error.reason == "unknown_reference");
  CHECK(fl::test::DumpDb(w.dir()) == before);

  fl::UnitResult ok = w.AppendBatch({good1, uses1});
  REQUIRE(ok.ok());
  CHECK(ok.receipts[1].seq == ok.receipts[0].seq + 1);
}

// Prepare keeps the old key once `early` is checked with it
// (public_key_cache.h): the revocation must still refuse it.
TEST_CASE("key events take effect at their seq", "[ledger]") {
  Yunnan w;
  Json early = w.Envelope("b-1", "budget.appropriated", "cz-530000",
                          Budget("lot-1", "530000"));
  w.MustAppend(early);
  std::string old_id = fl::KeyId(w.key("cz-530000").public_key());
  fl::PrivateKey fresh = fl::PrivateKey::Generate();
  w.MustAppend(w.Envelope(
      "k-add", "agency.key_added", "admin",
      {{"agency", "cz-530000"},
       {"public_key", fl::Base64Encode(fl::AsBytes(fresh.public_key()))}}));
  w.MustAppend(w.Envelope("k-rev", "agency.key_revoked", "admin",
                          {{"agency", "cz-530000"},
                           {"key_id", old_id},
                           {"reason", "laptop lost"}}));
  auto r = w.Append(w.Envelope("b-2", "budget.appropriated", "cz-530000",
                               Budget("lot-2", "530000")));
  REQUIRE_FALSE(r.ok());
  CHECK(r.errors[0].error.reason == "key_revoked");
  // The exact repeat of an event signed before the revocation still gets
  // its first receipt (API.md: repeat is checked before the signature).
  auto again = w.Append(early);
  REQUIRE(again.ok());
  CHECK(again.receipts[0].repeat);
  w.SetKey("cz-530000", fresh);
  w.MustAppend(w.Envelope("b-2", "budget.appropriated", "cz-530000",
                          Budget("lot-2", "530000")));
}

TEST_CASE("state survives a reopen and the chain continues", "[ledger]") {
  Yunnan w;
  w.MustAppend(w.Envelope("b-1", "budget.appropriated", "cz-530000",
                          Budget("lot-1", "530000")));
  auto size = w.ledger().TreeSize();
  auto root = w.ledger().RootAt(size);
  REQUIRE(root.ok());
  w.Reopen();
  CHECK(w.ledger().TreeSize() == size);
  auto root2 = w.ledger().RootAt(size);
  REQUIRE(root2.ok());
  CHECK(*root2 == *root);
  w.MustAppend(w.Envelope("b-2", "budget.appropriated", "cz-530000",
                          Budget("lot-2", "530000")));
  w.Close();
  fl::VerifyOptions vo;
  vo.signatures = true;
  auto report = fl::VerifyLedger(w.dir(), vo);
  REQUIRE(report.ok());
  CHECK(report->ok());
  CHECK(report->entries == size + 1);
}

TEST_CASE("concurrent producers: no lost or duplicate seq, all proofs hold",
          "[ledger]") {
  Yunnan w;
  constexpr int kThreads = 8, kEach = 150;
  std::vector<std::vector<fl::Receipt>> got(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          std::string n = std::to_string(t) + "-" + std::to_string(i);
          got[t].push_back(w.MustAppend(
              w.Envelope("b-" + n, "budget.appropriated", "cz-530000",
                         Budget("lot-" + n, "530000"))));
        }
      });
    }
  }
  std::set<std::uint64_t> seqs;
  auto& l = w.ledger();
  auto final_cp = OpenCp(l, l.LatestCheckpoint());
  for (const auto& list : got) {
    for (const auto& r : list) {
      CHECK(seqs.insert(r.seq).second);
      auto proof = l.InclusionProof(r.seq, final_cp.size);
      REQUIRE(proof.ok());
      CHECK(fl::VerifyInclusion(r.leaf_hash, r.seq, final_cp.size, *proof,
                                final_cp.root));
    }
  }
  CHECK(seqs.size() == kThreads * kEach);
  CHECK(l.TreeSize() == 4 + kThreads * kEach);
  w.Close();
  auto report = fl::VerifyLedger(w.dir(), {});
  REQUIRE(report.ok());
  CHECK(report->ok());
}

TEST_CASE("each entry records the division it belongs to", "[ledger]") {
  Yunnan w;
  w.MustAppend(w.Envelope("b-1", "budget.appropriated", "cz-530000",
                          Budget("lot-1", "530000")));
  w.MustAppend(w.Envelope("a-1", "allocation.issued", "cz-530000",
                          IssueFromLot1("lot-2", "doc-2")));
  // allocation.received names no division: it belongs to its lot's to_code.
  fl::Receipt r =
      w.MustAppend(w.Envelope("r-1", "allocation.received", "mz-530621",
                              {{"allocation_id", "lot-2"},
                               {"received_on", "2024-04-01"},
                               {"amount_fen", 500}}));
  auto& l = w.ledger();
  CHECK(*l.EntryDivision(0) == "000000");
  CHECK(*l.EntryDivision(r.seq - 2) == "530000");  // budget
  CHECK(*l.EntryDivision(r.seq - 1) == "530000");  // issued: from_code
  CHECK(*l.EntryDivision(r.seq) == "530621");
  CHECK(l.EntryDivision(r.seq + 1).error().reason == "not_found");
}

// ScanEntry finds the event and signature objects by skipping strings; a
// quote closes a string only after an even run of backslashes.
TEST_CASE("ScanEntry splits entries whose strings end in backslashes",
          "[ledger]") {
  const std::string events[] = {
      R"({"a":"\\","b":"}","c":"\"}"})",
      R"({"a":"x\\\"{","b":"\\\\"})",
      R"({"a":"云南\\","b":[{"c":"]\\\\\""}]})",
  };
  for (const std::string& event : events) {
    INFO(event);
    const std::string sig = R"({"alg":"Ed25519","key_id":"k\\","sig":"\""})";
    const std::string entry =
        fl::BuildEntry(7, fl::Hash{}, "2024-01-02T08:00:00Z", event, sig);
    auto view = fl::ScanEntry(entry);
    REQUIRE(view.ok());
    CHECK(view->event == event);
    CHECK(view->signature == sig);
    CHECK(view->seq == 7);
    // An unterminated string is refused, not read past the end.
    CHECK(!fl::ScanEntry(entry.substr(0, entry.find("\"b\""))).ok());
  }
}

namespace {

// The scalar skip ScanEntry used before it looked at 16 bytes at a time:
// the reference the chunked one must agree with, byte for byte.
std::size_t ReferenceSkip(std::string_view s, std::size_t pos) {
  int depth = 0;
  for (std::size_t i = pos; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\') ++i;
      }
      if (i >= s.size()) return std::string_view::npos;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string_view::npos;
}

// Random JSON-shaped text whose strings are dense in the bytes the skip
// acts on (quotes, backslashes, brackets), across 16-byte boundaries.
std::string RandomValue(std::mt19937_64& rng, int depth) {
  const int kind = depth > 3 ? 0 : static_cast<int>(rng() % 3);
  if (kind == 0) {
    static const char* const kBits[] = {"a", "\\\\", "\\\"", "{", "}",
                                        "[", "]",    "云",   ",", ":"};
    std::string str = "\"";
    for (std::size_t n = rng() % 24; n > 0; --n) str += kBits[rng() % 10];
    return str + "\"";
  }
  std::string out(1, kind == 1 ? '{' : '[');
  for (std::size_t n = rng() % 5; n > 0; --n) {
    if (out.size() > 1) out += ',';
    if (kind == 1) out += "\"k\":";
    out += RandomValue(rng, depth + 1);
  }
  return out + (kind == 1 ? '}' : ']');
}

}  // namespace

TEST_CASE("ScanEntry's chunked skip agrees with a byte-by-byte skip",
          "[ledger]") {
  std::mt19937_64 rng(42);
  const std::string sig = R"({"alg":"Ed25519","key_id":"k","sig":"s"})";
  const std::string_view structural = "\"\\{}[]a";
  int whole = 0, refused = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string event = "{\"d\":" + RandomValue(rng, 0) + "}";
    // Half the rounds break the event at one byte after its opening brace.
    if (round % 2 == 1) {
      event[1 + rng() % (event.size() - 1)] =
          structural[rng() % structural.size()];
    }
    const std::string entry =
        fl::BuildEntry(3, fl::Hash{}, "2024-01-02T08:00:00Z", event, sig);
    const std::size_t start = std::string_view(R"({"event":)").size();
    const std::size_t end = ReferenceSkip(entry, start);
    auto view = fl::ScanEntry(entry);
    INFO(entry);
    if (end == std::string_view::npos) {
      REQUIRE(!view.ok());
      CHECK(view.error().detail == "unterminated event");
      ++refused;
    } else if (view.ok()) {
      CHECK(view->event == std::string_view(entry).substr(start, end - start));
      CHECK(view->signature == sig);
      ++whole;
    } else {
      CHECK(view.error().detail != "unterminated event");
      ++refused;
    }
  }
  // Both paths were exercised, many times.
  CHECK(whole > 9000);
  CHECK(refused > 1000);
}
