// The witness core (ledger/witness.h, c2sp.org/tlog-witness add-checkpoint)
// against a real ledger: cosigns a consistent history, answers a stale old
// size with the size it holds, refuses forks, unknown logs, bad signatures
// and malformed bodies with the spec's reasons, and a refusal changes
// nothing in its RocksDB.
#include "ledger/witness.h"

#include <rocksdb/db.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "api/client/http_client.h"
#include "api/http/witness_server.h"
#include "crypto/cosignature.h"
#include "crypto/encoding.h"
#include "crypto/key_file.h"
#include "http_fixture.h"
#include "ledger/checkpoint.h"

namespace fl::test {
namespace {

constexpr std::uint64_t kNow = 1'800'000'000;

// Every row of the witness's RocksDB (read-only beside the open witness).
std::string DumpWitnessDb(const std::string& dir) {
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      rocksdb::DB::OpenForReadOnly(rocksdb::Options(), dir + "/db", &raw);
  REQUIRE(s.ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions()));
  std::string out;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out += HexEncode(it->key().ToStringView()) + "=" +
           HexEncode(it->value().ToStringView()) + "\n";
  }
  return out;
}

std::string Request(std::uint64_t old_size, const std::vector<Hash>& proof,
                    const std::string& checkpoint) {
  std::string body = "old " + std::to_string(old_size) + "\n";
  for (const Hash& h : proof) body += Base64Encode(AsBytes(h)) + "\n";
  return body + "\n" + checkpoint;
}

void AppendBudgets(World& w, const std::string& prefix, int n) {
  for (int i = 0; i < n; ++i) {
    w.MustAppend(w.Envelope(
        prefix + std::to_string(i), "budget.appropriated", "cz-530000",
        Budget(prefix + "lot-" + std::to_string(i), "530000")));
  }
}

struct WitnessWorld {
  WitnessWorld() {
    world.AddAgency("cz-530000", "finance", "530000");
    dir = tmp.str() + "/witness";
    auto vkey = Witness::Init(dir, "witness-a.example");
    REQUIRE(vkey.ok());
    cosigner = *ParseCosignerKey(*vkey);
    log_key = *ParseVerifierKey(world.ledger().Info().verifier_key);
    auto w = Witness::Open(dir, {log_key});
    REQUIRE(w.ok());
    witness = std::move(*w);
  }
  // The ledger's newest checkpoint and a request for it from `old_size`.
  std::string RequestFrom(std::uint64_t old_size) {
    std::uint64_t size = world.ledger().TreeSize();
    std::vector<Hash> proof;
    if (old_size > 0 && old_size < size) {
      auto p = world.ledger().ConsistencyProof(old_size, size);
      REQUIRE(p.ok());
      proof = *p;
    }
    return Request(old_size, proof, world.ledger().LatestCheckpoint());
  }
  std::string OriginKey() { return OriginHash(world.ledger().Info().origin); }

  TempDir tmp;
  World world;
  std::string dir;
  Cosigner cosigner;
  NoteVerifier log_key;
  std::unique_ptr<Witness> witness;
};

TEST_CASE("a witness cosigns a consistent history and only moves forward",
          "[witness]") {
  WitnessWorld w;
  AppendBudgets(w.world, "a", 3);
  const std::uint64_t first = w.world.ledger().TreeSize();
  AddCheckpointAnswer a = w.witness->AddCheckpoint(w.RequestFrom(0), kNow);
  REQUIRE_FALSE(a.error.has_value());
  const std::string note = w.world.ledger().LatestCheckpoint();
  auto valid = VerifyCosignatures(note + a.cosignature, {w.cosigner});
  REQUIRE(valid.ok());
  REQUIRE(valid->size() == 1);
  CHECK((*valid)[0].timestamp == kNow);
  auto latest = w.witness->Latest(w.OriginKey());
  REQUIRE(latest.ok());
  REQUIRE(latest->has_value());
  CHECK((*latest)->size == first);
  CHECK((*latest)->checkpoint == note + a.cosignature);

  // Grow, prove from the size it holds: cosigned again.
  AppendBudgets(w.world, "b", 5);
  a = w.witness->AddCheckpoint(w.RequestFrom(first), kNow + 1);
  REQUIRE_FALSE(a.error.has_value());
  CHECK(CheckQuorum(w.world.ledger().LatestCheckpoint() + a.cosignature,
                    {w.cosigner}, 1)
            .ok());
  // The same checkpoint again (old = size, no proof): fine, same root.
  const std::uint64_t second = w.world.ledger().TreeSize();
  a = w.witness->AddCheckpoint(w.RequestFrom(second), kNow + 2);
  CHECK_FALSE(a.error.has_value());

  SECTION("state survives a restart") {
    w.witness.reset();
    auto again = Witness::Open(w.dir, {w.log_key});
    REQUIRE(again.ok());
    auto l = (*again)->Latest(w.OriginKey());
    REQUIRE(l.ok());
    REQUIRE(l->has_value());
    CHECK((*l)->size == second);
    a = (*again)->AddCheckpoint(w.RequestFrom(0), kNow);
    REQUIRE(a.error.has_value());
    CHECK(a.error->reason == "old_size_mismatch");
    CHECK(a.known_size == second);
  }
}

TEST_CASE("refused add-checkpoint requests change nothing", "[witness]") {
  WitnessWorld w;
  AppendBudgets(w.world, "a", 4);
  const std::uint64_t known = w.world.ledger().TreeSize();
  REQUIRE_FALSE(w.witness->AddCheckpoint(w.RequestFrom(0), kNow).error);
  AppendBudgets(w.world, "b", 3);
  const std::string before = DumpWitnessDb(w.dir);
  const std::string good = w.RequestFrom(known);
  const std::string note = w.world.ledger().LatestCheckpoint();
  auto proof =
      w.world.ledger().ConsistencyProof(known, w.world.ledger().TreeSize());
  REQUIRE(proof.ok());

  auto refused = [&](const std::string& body, const std::string& reason) {
    AddCheckpointAnswer a = w.witness->AddCheckpoint(body, kNow);
    REQUIRE(a.error.has_value());
    CHECK(a.error->reason == reason);
    CHECK(a.cosignature.empty());
    CHECK(DumpWitnessDb(w.dir) == before);
    return a;
  };

  SECTION("stale old size: 409 with the size it holds") {
    AddCheckpointAnswer a = refused(w.RequestFrom(0), "old_size_mismatch");
    CHECK(a.known_size == known);
    a = refused(Request(known - 1, {}, note), "old_size_mismatch");
    CHECK(a.known_size == known);
  }
  SECTION("malformed bodies: 400") {
    refused("", "malformed_request");
    refused("old 04\n\n" + note, "malformed_request");
    refused("old -1\n\n" + note, "malformed_request");
    refused("new 4\n\n" + note, "malformed_request");
    refused("old " + std::to_string(known) + "\nnot base64!\n\n" + note,
            "malformed_request");
    refused("old " + std::to_string(known) + "\n", "malformed_request");
    refused("old " + std::to_string(known) + "\n\n", "malformed_request");
    std::vector<Hash> too_many(64, Hash{});
    refused(Request(known, too_many, note), "malformed_request");
    // old size past the checkpoint's size
    refused(Request(w.world.ledger().TreeSize() + 1, {}, note),
            "malformed_request");
    // a checkpoint that is not a signed note
    refused(Request(known, *proof, "fundledger/test.example\n9\n"),
            "malformed_request");
  }
  SECTION("unknown log: 404") {
    Checkpoint elsewhere{"fundledger/elsewhere", 1, Sha256("x")};
    refused(Request(0, {}, SignCheckpoint(elsewhere, PrivateKey::Generate())),
            "unknown_log");
  }
  SECTION("bad or missing log signature: 403") {
    // The same body signed by another key under the log's name.
    PrivateKey impostor = PrivateKey::Generate();
    auto cp = OpenCheckpoint(note, w.log_key);
    REQUIRE(cp.ok());
    refused(Request(known, *proof, SignCheckpoint(*cp, impostor)),
            "bad_signature");
    // The log's own signature line over a changed body.
    std::string tampered = note;
    tampered[tampered.find('\n') + 1] ^= 1;  // first digit of the size
    refused(Request(known, *proof, tampered), "bad_signature");
  }
  SECTION("a wrong proof or a fork: 422") {
    std::vector<Hash> bad = *proof;
    bad[0][0] ^= 1;
    refused(Request(known, bad, note), "inconsistent_checkpoint");
    refused(Request(known, {}, note), "inconsistent_checkpoint");
    // Same size as held, other root: the log key signed two histories.
    PrivateKey log_key = [&] {
      auto k = ReadPrivateKeyFile(w.world.dir() + "/ledger.pem");
      REQUIRE(k.ok());
      return *k;
    }();
    Checkpoint fork{w.world.ledger().Info().origin, known, Sha256("other")};
    refused(Request(known, {}, SignCheckpoint(fork, log_key)),
            "inconsistent_checkpoint");
    // Size zero must carry the empty root.
    Checkpoint zero{w.world.ledger().Info().origin, 0, Sha256("x")};
    refused(Request(0, {}, SignCheckpoint(zero, log_key)),
            "inconsistent_checkpoint");
  }
  // After every refusal the good request still works.
  CHECK_FALSE(w.witness->AddCheckpoint(good, kNow).error.has_value());
  CHECK(DumpWitnessDb(w.dir) != before);
}

TEST_CASE("the witness server speaks tlog-witness and caps its connections",
          "[witness]") {
  WitnessWorld w;
  http::WitnessServerOptions o;
  o.listen = "127.0.0.1:0";
  o.max_connections = 1;
  o.now = [] { return kNow; };
  http::WitnessServer server(*w.witness, o);
  REQUIRE(server.Start().ok());
  const std::string port = std::to_string(server.port());
  http::Client first("127.0.0.1", port, std::chrono::seconds(10));
  auto r =
      first.Request("POST", "/add-checkpoint", w.RequestFrom(0), "text/plain");
  REQUIRE(r.status == 200);
  CHECK(
      CheckQuorum(w.world.ledger().LatestCheckpoint() + r.body, {w.cosigner}, 1)
          .ok());
  r = first.Request("POST", "/add-checkpoint", w.RequestFrom(0), "text/plain");
  CHECK(r.status == 409);
  CHECK(r.header("content-type") == "text/x.tlog.size");
  CHECK(r.body == std::to_string(w.world.ledger().TreeSize()) + "\n");
  CHECK(first.Request("GET", "/add-checkpoint").status == 405);
  CHECK(first.Request("GET", "/nothing").status == 404);
  auto mon = first.Get("/" + w.OriginKey() + "/checkpoint");
  CHECK(mon.status == 200);
  CHECK(mon.body.starts_with(w.world.ledger().LatestCheckpoint()));
  CHECK(first.Get("/" + std::string(64, 'a') + "/checkpoint").status == 404);

  // `first` holds the only connection: a second one is closed unanswered.
  http::Client second("127.0.0.1", port, std::chrono::seconds(10));
  CHECK_THROWS(second.Request("GET", "/nothing"));
  CHECK(first.Request("GET", "/nothing").status == 404);  // still served
}

TEST_CASE("witness init refuses a bad name or an existing witness",
          "[witness]") {
  TempDir tmp;
  CHECK_FALSE(Witness::Init(tmp.str() + "/w", "has space").ok());
  REQUIRE(Witness::Init(tmp.str() + "/w", "w.example").ok());
  auto again = Witness::Init(tmp.str() + "/w", "w.example");
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().reason == "already_exists");
}

}  // namespace
}  // namespace fl::test
