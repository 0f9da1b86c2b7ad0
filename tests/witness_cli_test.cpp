// Witnesses end to end with real processes on 127.0.0.1: three
// `fundledger witness` and one `serve --witness ... --quorum 2`. Appends
// never wait for witnesses; the cosigned checkpoint appears, lands in proof
// files and passes `verify-proof --quorum 2`; a killed witness does not
// stop appends or the quorum; a stale submission gets 409 with the size; a
// fork of the log (same key, another history) is refused by every witness.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "binary_process.h"
#include "crypto/cosignature.h"
#include "crypto/encoding.h"
#include "http_fixture.h"
#include "ledger/checkpoint.h"
#include "ledger/proof_file.h"

namespace fl::test {
namespace {

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string Field(const std::string& json_line, const std::string& name) {
  return Json::parse(json_line).at(name).get<std::string>();
}

struct Witnesses {
  explicit Witnesses(const std::string& root, const std::string& log_key) {
    for (const char* n : {"a", "b", "c"}) {
      std::string dir = root + "/witness-" + n;
      CommandOutput init = RunBinary("witness --init --data " + dir +
                                     " --name witness-" + n + ".example");
      REQUIRE(init.status == 0);
      dirs.push_back(dir);
      keys.push_back(Field(init.out, "witness_key"));
      Start(dirs.size() - 1, log_key);
    }
  }
  // (Re)starts witness i; a running one is killed first (its RocksDB lock).
  void Start(std::size_t i, const std::string& log_key) {
    if (i < procs.size()) procs[i]->Kill();
    auto p = std::make_unique<ListeningProcess>(std::vector<std::string>{
        "witness", "--data", dirs[i], "--listen", "127.0.0.1:0", "--log-key",
        log_key, "--quiet"});
    if (i < procs.size()) {
      procs[i] = std::move(p);
    } else {
      procs.push_back(std::move(p));
    }
  }
  std::string Url(std::size_t i) const {
    return "http://127.0.0.1:" + procs[i]->port();
  }
  std::string KeyList(std::size_t n) const {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += (i ? "," : "") + keys[i];
    return out;
  }
  std::vector<std::string> dirs, keys;
  std::vector<std::unique_ptr<ListeningProcess>> procs;
};

// Polls until the served witnessed checkpoint covers `size` entries. The
// bound only keeps a broken build from hanging; nothing here is timed.
std::string WaitWitnessed(http::Client& c, const NoteVerifier& log,
                          std::uint64_t size) {
  for (int i = 0; i < 1200; ++i) {
    auto r = c.Get("/v1/checkpoint/witnessed");
    if (r.status == 200) {
      auto cp = OpenCheckpoint(r.body, log);
      REQUIRE(cp.ok());
      if (cp->size >= size) return r.body;
    } else {
      REQUIRE(r.status == 404);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("no witnessed checkpoint of size " << size);
  return {};
}

TEST_CASE(
    "three witnesses, quorum 2: cosigned checkpoints, a dead witness, "
    "a stale submission and a fork",
    "[witness][process]") {
  TempDir tmp;
  World world("000000", tmp.str());
  world.AddAgency("cz-530000", "finance", "530000");
  const std::string log_key = world.ledger().Info().verifier_key;
  const NoteVerifier log = *ParseVerifierKey(log_key);
  world.Close();
  // The fork: the same ledger (same key) copied now, grown differently.
  const std::string fork_dir = tmp.str() + "/fork";
  std::filesystem::copy(world.dir(), fork_dir,
                        std::filesystem::copy_options::recursive);

  Witnesses w(tmp.str(), log_key);
  ListeningProcess serve({"serve", "--data", world.dir(), "--listen",
                          "127.0.0.1:0", "--quiet", "--witness",
                          w.Url(0) + "," + w.Url(1) + "," + w.Url(2),
                          "--witness-key", w.KeyList(3), "--quorum", "2"});
  http::Client client("127.0.0.1", serve.port(), std::chrono::seconds(30));

  auto append = [&](const std::string& id) {
    Json env = world.Envelope(id, "budget.appropriated", "cz-530000",
                              Budget("lot-" + id, "530000"));
    auto r = client.Post("/v1/events", env.dump());
    REQUIRE(r.status == 201);
    return Json::parse(r.body);
  };
  for (int i = 0; i < 5; ++i) {
    Json receipt = append("e" + std::to_string(i));
    // Appends do not wait for witnesses. (Only the type is certain: a round
    // landing between commit and answer could already cover the entry.)
    REQUIRE(receipt.contains("witnessed"));
    CHECK(receipt["witnessed"].is_boolean());
  }
  const std::uint64_t size1 = 7;  // genesis, agency, five budgets
  std::string cosigned = WaitWitnessed(client, log, size1);
  // Once covered, the first receipt (returned for an exact repeat) says so.
  {
    Json env = world.Envelope("e0", "budget.appropriated", "cz-530000",
                              Budget("lot-e0", "530000"));
    auto r = client.Post("/v1/events", env.dump());
    REQUIRE(r.status == 200);
    CHECK(Json::parse(r.body).at("witnessed") == true);
  }
  std::vector<Cosigner> keys = *ParseCosignerKeys(w.KeyList(3));
  CHECK(CheckQuorum(cosigned, keys, 2).ok());
  // The newest checkpoint is served with its cosignatures once it has them.
  auto newest = client.Get("/checkpoint");
  REQUIRE(newest.status == 200);
  CHECK(newest.header("fundledger-witnessed") == "true");
  CHECK(newest.body == cosigned);

  // The proof file carries the cosigned checkpoint; verify-proof checks it.
  auto file = client.Get("/v1/proofs/file?seq=4");
  REQUIRE(file.status == 200);
  CHECK(file.header("fundledger-witnessed") == "true");
  auto parsed = ParseProofFile(file.body);
  REQUIRE(parsed.ok());
  CHECK(parsed->checkpoint == cosigned);
  const std::string proof_path = tmp.str() + "/e.tlog-proof";
  WriteText(proof_path, file.body);
  // No token, so no extra: the entry comes from the ledger (read-only).
  auto stored = [&] {
    LedgerOptions o;
    o.read_only = true;
    auto l = Ledger::Open(world.dir(), o);
    REQUIRE(l.ok());
    auto e = (*l)->EntryAt(4);
    REQUIRE(e.ok());
    return *e;
  }();
  WriteText(tmp.str() + "/e.entry", stored);
  const std::string verify = "verify-proof " + proof_path + " --entry " +
                             tmp.str() + "/e.entry --verifier-key '" + log_key +
                             "' --witness-key '" + w.KeyList(3) + "'";
  CommandOutput ok = RunBinary(verify + " --quorum 2");
  CHECK(ok.status == 0);
  CHECK(ok.out.find("cosigned by 3 of 3 witnesses (quorum 2") !=
        std::string::npos);

  SECTION("a killed witness stops neither appends nor the quorum") {
    w.procs[2]->Kill();
    for (int i = 5; i < 10; ++i) append("e" + std::to_string(i));
    std::string later = WaitWitnessed(client, log, 12);
    auto valid = VerifyCosignatures(later, keys);
    REQUIRE(valid.ok());
    CHECK(valid->size() == 2);  // a and b; c is dead
    auto f = client.Get("/v1/proofs/file?seq=11");
    REQUIRE(f.status == 200);
    WriteText(proof_path, f.body);
    auto e11 = [&] {
      LedgerOptions o;
      o.read_only = true;
      auto l = Ledger::Open(world.dir(), o);
      REQUIRE(l.ok());
      return *(*l)->EntryAt(11);
    }();
    WriteText(tmp.str() + "/e.entry", e11);
    CHECK(RunBinary(verify + " --quorum 2").status == 0);
    CommandOutput three = RunBinary(verify + " --quorum 3");
    CHECK(three.status == 1);
    CHECK(three.err.find("missing: witness-c.example") != std::string::npos);
  }

  SECTION("a stale old size gets 409 and the witness's size") {
    http::Client wa("127.0.0.1", w.procs[0]->port());
    auto r = wa.Request(
        "POST", "/add-checkpoint",
        "old 0\n\n" + cosigned.substr(0, cosigned.find("\xe2\x80\x94 witness")),
        "text/plain");
    CHECK(r.status == 409);
    CHECK(r.header("content-type") == "text/x.tlog.size");
    auto cp = OpenCheckpoint(cosigned, log);
    REQUIRE(cp.ok());
    // The witness holds at least the witnessed size (rounds go on).
    std::uint64_t held = std::stoull(r.body);
    CHECK(held >= cp->size);
    CHECK(r.body == std::to_string(held) + "\n");
  }

  SECTION("a fork signed with the same key is refused by every witness") {
    serve.Terminate();    // the rounds stop; the witnesses keep their state
    w.Start(2, log_key);  // c restarted: its state comes from its RocksDB
    auto fork = Ledger::Open(fork_dir);
    REQUIRE(fork.ok());
    for (int i = 0; i < 12; ++i) {
      Json env = world.Envelope(
          "f" + std::to_string(i), "budget.appropriated", "cz-530000",
          Budget("fork-" + std::to_string(i), "530000", 999));
      auto r = (*fork)->AppendOne((*fork)->Prepare(env.dump()));
      REQUIRE(r.ok());
    }
    const std::string fork_note = (*fork)->LatestCheckpoint();
    REQUIRE(OpenCheckpoint(fork_note, log).ok());  // signed by the log key
    const std::string origin_path =
        "/" + HexEncode(AsBytes(Sha256(log.name))) + "/checkpoint";
    for (std::size_t i = 0; i < 3; ++i) {
      http::Client c("127.0.0.1", w.procs[i]->port());
      auto before = c.Get(origin_path);
      REQUIRE(before.status == 200);
      // Ask for the size the witness holds, then prove from it in the fork.
      auto probe = c.Request("POST", "/add-checkpoint", "old 0\n\n" + fork_note,
                             "text/plain");
      REQUIRE(probe.status == 409);
      std::uint64_t held = std::stoull(probe.body);
      REQUIRE(held > 2);  // past the fork point
      std::string body = "old " + std::to_string(held) + "\n";
      auto proof = (*fork)->ConsistencyProof(held, (*fork)->TreeSize());
      REQUIRE(proof.ok());
      for (const Hash& h : *proof) body += Base64Encode(AsBytes(h)) + "\n";
      auto r = c.Request("POST", "/add-checkpoint", body + "\n" + fork_note,
                         "text/plain");
      CHECK(r.status == 422);
      CHECK(c.Get(origin_path).body == before.body);  // nothing moved
    }
  }
}

}  // namespace
}  // namespace fl::test
