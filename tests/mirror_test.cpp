// `fundledger mirror` (issue 13 part 4): real `serve` and `mirror`
// processes on 127.0.0.1. A mirror catches up, keeps following, verifies
// and proves like its origin, refuses appends, catches a fork (same key, a
// second history) and refuses tampered tiles naming the entry and tile.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "api/client/http_client.h"
#include "binary_process.h"
#include "crypto/ed25519.h"
#include "crypto/encoding.h"
#include "crypto/signed_note.h"
#include "ledger/checkpoint.h"
#include "ledger/ledger.h"
#include "ledger/tiles.h"
#include "test_util.h"
#include "test_world.h"

namespace fl::test {
namespace {

namespace fs = std::filesystem;

std::string Token(const std::string& dir) {
  auto r = RunBinary("token create --data '" + dir +
                     "' --role auditor --scope 000000");
  INFO(r.err);
  REQUIRE(r.status == 0);
  std::string t = r.out;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  return t;
}

// Asks until the answer says the tree reached `size` (a readiness wait:
// nothing is asserted about how long it took).
Json WaitForSize(http::Client& c, std::uint64_t size) {
  Json last;
  for (int i = 0; i < 600; ++i) {
    auto r = c.Get("/healthz");
    last = Json::parse(r.body, nullptr, false);
    if (r.status == 200 && last.value("tree_size", 0ull) >= size) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return last;
}

// Asks until /healthz stops answering 200 (the fork is seen).
int WaitForUnhealthy(http::Client& c) {
  int status = 200;
  for (int i = 0; i < 600 && status == 200; ++i) {
    status = c.Get("/healthz").status;
    if (status == 200)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return status;
}

void AddAgencies(World& w, const std::string& prefix, int n) {
  for (int i = 0; i < n; ++i) {
    w.AddAgency(prefix + std::to_string(1000 + i), "auditor", "530000");
  }
}

TEST_CASE("a mirror follows a served log, verifies and proves like it",
          "[mirror]") {
  World w;
  AddAgencies(w, "au-", 300);  // past one full tile
  const std::string vkey = w.ledger().Info().verifier_key;
  // More events, signed now, posted to the running server later.
  std::vector<Json> later;
  for (int i = 0; i < 40; ++i) {
    later.push_back(w.Envelope(
        "later-" + std::to_string(i), "agency.registered", "admin",
        {{"agency", "late-" + std::to_string(i)},
         {"name", "late office"},
         {"kind", "auditor"},
         {"division_code", "530000"},
         {"public_key",
          Base64Encode(AsBytes(PrivateKey::Generate().public_key()))}}));
  }
  const std::uint64_t first_size = w.ledger().TreeSize();
  w.Close();
  const std::string token = Token(w.dir());

  ServeProcess origin(w.dir());
  TempDir tmp;
  const std::string mdir = tmp.str() + "/mirror";
  const std::string log = tmp.str() + "/mirror.log";
  ServeProcess mirror({"mirror", "--from", "http://127.0.0.1:" + origin.port(),
                       "--data", mdir, "--verifier-key", vkey, "--token", token,
                       "--listen", "127.0.0.1:0", "--interval", "50"},
                      log);
  http::Client oc("127.0.0.1", origin.port());
  http::Client mc("127.0.0.1", mirror.port());

  Json h = WaitForSize(mc, first_size);
  INFO(ReadFile(log));
  REQUIRE(h.value("tree_size", 0ull) == first_size);
  CHECK(h.value("mirror_of", "") == "fundledger/test.example");

  // It keeps following: appends to the origin reach the mirror.
  for (const Json& e : later) {
    auto r = oc.Post("/v1/events", e.dump());
    INFO(r.body);
    REQUIRE(r.status == 201);
  }
  const std::uint64_t size = first_size + later.size();
  h = WaitForSize(mc, size);
  REQUIRE(h.value("tree_size", 0ull) == size);

  // The same signed checkpoint, tiles, entries and proofs as the origin.
  CHECK(mc.Get("/checkpoint").body == oc.Get("/checkpoint").body);
  for (const TileRef& t : TilesForSize(size)) {
    const std::string path = "/" + TilePath(t);
    INFO(path);
    auto a = t.entries ? oc.Get(path, token) : oc.Get(path);
    REQUIRE(a.status == 200);
    // The mirror's own tokens: the origin's mean nothing to it.
    CHECK(mc.Get(path, t.entries ? token : "").status ==
          (t.entries ? 401 : 200));
    if (!t.entries) CHECK(mc.Get(path).body == a.body);
  }
  const std::string mtoken = Token(mdir);
  for (std::uint64_t seq :
       std::vector<std::uint64_t>{0, 1, 255, 256, size - 1}) {
    const std::string q = "/v1/proofs/inclusion?seq=" + std::to_string(seq) +
                          "&tree_size=" + std::to_string(size);
    auto a = oc.Get(q, token), b = mc.Get(q, mtoken);
    REQUIRE(a.status == 200);
    CHECK(b.status == 200);
    CHECK(Json::parse(a.body) == Json::parse(b.body));
    auto ea = oc.Get("/v1/entries/" + std::to_string(seq), token);
    auto eb = mc.Get("/v1/entries/" + std::to_string(seq), mtoken);
    CHECK(eb.status == 200);
    CHECK(ea.body == eb.body);
  }
  auto ca = oc.Get(
      "/v1/proofs/consistency?first=10&second=" + std::to_string(size), token);
  auto cb = mc.Get(
      "/v1/proofs/consistency?first=10&second=" + std::to_string(size), mtoken);
  CHECK(cb.status == 200);
  CHECK(ca.body == cb.body);

  // Appends are refused and change nothing.
  auto refused = mc.Post("/v1/events", later.front().dump());
  CHECK(refused.status == 403);
  CHECK(refused.body.find("read_only_mirror") != std::string::npos);
  CHECK(WaitForSize(mc, size).value("tree_size", 0ull) == size);

  // `verify --signatures` passes on the mirror beside the running process.
  auto v = RunBinary("verify --signatures --data '" + mdir + "'");
  INFO(v.out + v.err);
  CHECK(v.status == 0);
  CHECK(mirror.Terminate() == 0);
  CHECK(origin.Terminate() == 0);
}

TEST_CASE("a mirror catches a fork: same key, a second history", "[mirror]") {
  TempDir tmp;
  World a("000000", tmp.str() + "/a");
  AddAgencies(a, "au-", 20);
  const std::string vkey = a.ledger().Info().verifier_key;
  const std::uint64_t size = a.ledger().TreeSize();
  a.Close();

  // The second history: another ledger of the same name whose checkpoint
  // key is replaced by the first one's, grown to the same size, so both
  // sign a checkpoint of one size with different roots.
  World b("000000", tmp.str() + "/b");
  b.Close();
  fs::copy_file(a.dir() + "/ledger.pem", b.dir() + "/ledger.pem",
                fs::copy_options::overwrite_existing);
  b.Reopen();
  REQUIRE(b.ledger().Info().verifier_key == vkey);
  AddAgencies(b, "other-", static_cast<int>(size - b.ledger().TreeSize()));
  REQUIRE(b.ledger().TreeSize() == size);
  b.Close();

  const std::string mdir = tmp.str() + "/mirror";
  const std::string log = tmp.str() + "/mirror.log";
  {
    ServeProcess origin(a.dir());
    auto r = RunBinary(
        "mirror --once --from http://127.0.0.1:" + origin.port() + " --data '" +
        mdir + "' --verifier-key '" + vkey + "' --token " + Token(a.dir()));
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(origin.Terminate() == 0);
  }
  const std::string held = RunBinary("checkpoint --data '" + mdir + "'").out;
  REQUIRE(!held.empty());

  ServeProcess forked(b.dir());
  ServeProcess mirror({"mirror", "--from", "http://127.0.0.1:" + forked.port(),
                       "--data", mdir, "--token", Token(b.dir()), "--listen",
                       "127.0.0.1:0", "--interval", "50"},
                      log);
  http::Client mc("127.0.0.1", mirror.port());
  CHECK(WaitForUnhealthy(mc) == 503);
  auto health = mc.Get("/healthz");
  CHECK(health.body.find("fork_detected") != std::string::npos);

  // Both checkpoints kept, both signed by the pinned key, one size, two roots.
  auto verifier = ParseVerifierKey(vkey);
  REQUIRE(verifier.ok());
  auto c1 = OpenCheckpoint(ReadFile(mdir + "/fork/held-checkpoint"), *verifier);
  auto c2 = OpenCheckpoint(ReadFile(mdir + "/fork/new-checkpoint"), *verifier);
  REQUIRE(c1.ok());
  REQUIRE(c2.ok());
  CHECK(c1->size == size);
  CHECK(c2->size == size);
  CHECK(c1->root != c2->root);
  CHECK(Json::parse(ReadFile(mdir + "/fork/fork.json")).contains("reason"));
  // It still serves what it held, unchanged.
  CHECK(mc.Get("/checkpoint").body == held);
  CHECK(mirror.Terminate() == 3);
  CHECK(ReadFile(log).find("fork_detected") != std::string::npos);

  // A restart does not follow again while the evidence is there.
  auto again =
      RunBinary("mirror --once --from http://127.0.0.1:" + forked.port() +
                " --data '" + mdir + "'");
  CHECK(again.status == 3);
  CHECK(RunBinary("checkpoint --data '" + mdir + "'").out == held);
  CHECK(RunBinary("verify --signatures --data '" + mdir + "'").status == 0);
}

void FlipByte(const fs::path& file, std::size_t offset) {
  std::string bytes = ReadFile(file);
  REQUIRE(offset < bytes.size());
  bytes[offset] = static_cast<char>(bytes[offset] ^ 0x01);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

TEST_CASE("a mirror refuses tampered tiles and stores nothing", "[mirror]") {
  World w;
  AddAgencies(w, "au-", 300);
  const std::string vkey = w.ledger().Info().verifier_key;
  w.Close();
  TempDir tmp;
  const std::string site = tmp.str() + "/site";
  auto t = RunBinary("tiles --data '" + w.dir() + "' --out '" + site + "'");
  REQUIRE(t.status == 0);

  auto follow = [&](const std::string& from, const std::string& dir) {
    return RunBinary("mirror --once --from '" + from + "' --data '" + dir +
                     "' --verifier-key '" + vkey + "'");
  };
  auto size_of = [](const std::string& dir) {
    auto l = Ledger::Open(dir);
    REQUIRE(l.ok());
    return (*l)->TreeSize();
  };

  SECTION("an untouched copy is followed in full") {
    auto r = follow(site, tmp.str() + "/m");
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(size_of(tmp.str() + "/m") == 301);
  }
  SECTION("an entry changed in its bundle is named with its tiles") {
    // Entry 5 of bundle 0: skip 5 length-prefixed entries, then 2 + 10.
    const fs::path bundle = site + "/tile/entries/000";
    std::string bytes = ReadFile(bundle);
    std::size_t at = 0;
    for (int i = 0; i < 5; ++i) {
      at += 2 + ((static_cast<unsigned char>(bytes[at]) << 8) |
                 static_cast<unsigned char>(bytes[at + 1]));
    }
    FlipByte(bundle, at + 2 + 10);
    auto r = follow(site, tmp.str() + "/m");
    CHECK(r.status == 1);
    CHECK(r.err.find("entry 5 in tile/entries/000 does not match its hash "
                     "in tile/0/000") != std::string::npos);
    CHECK(size_of(tmp.str() + "/m") == 0);
  }
  SECTION("a changed level-1 tile does not give the signed root") {
    // 301 entries: the root's left half is the one hash of tile/1/000.p/1.
    FlipByte(site + "/tile/1/000.p/1", 7);
    auto r = follow(site, tmp.str() + "/m");
    CHECK(r.status == 1);
    CHECK(r.err.find("hash tiles give root") != std::string::npos);
    CHECK(size_of(tmp.str() + "/m") == 0);
  }
  SECTION("a changed leaf hash is named with its entry and tile") {
    FlipByte(site + "/tile/0/000", 40);  // the hash of entry 1
    auto r = follow(site, tmp.str() + "/m");
    CHECK(r.status == 1);
    CHECK(r.err.find("entry 1 in tile/entries/000 does not match its hash "
                     "in tile/0/000") != std::string::npos);
    CHECK(size_of(tmp.str() + "/m") == 0);
  }
  SECTION("a checkpoint not signed by the pinned key is refused") {
    FlipByte(site + "/checkpoint", 20);
    auto r = follow(site, tmp.str() + "/m");
    CHECK(r.status == 1);
    CHECK(r.err.find("not signed by the pinned key") != std::string::npos);
    CHECK(size_of(tmp.str() + "/m") == 0);
  }
  SECTION("a new mirror needs the key pinned out of band") {
    auto r = RunBinary("mirror --once --from '" + site + "' --data '" +
                       tmp.str() + "/m'");
    CHECK(r.status != 0);
    CHECK(r.err.find("--verifier-key") != std::string::npos);
    CHECK(!fs::exists(tmp.str() + "/m"));
  }
}

}  // namespace
}  // namespace fl::test
