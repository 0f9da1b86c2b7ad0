// `fundledger export` and `verify-bundle`: a bundle of a real ledger
// verifies with no database; any changed, dropped or reordered line, a
// foreign checkpoint or key, and an event signed with a revoked key fail,
// naming the first bad seq.
#include "ledger/bundle.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "api/client/http_client.h"
#include "binary_process.h"
#include "crypto/encoding.h"
#include "ledger/checkpoint.h"
#include "ledger/entry.h"
#include "ledger/entry_checker.h"
#include "ledger/envelope.h"
#include "ledger/merkle.h"
#include "ledger/verifier.h"
#include "test_world.h"

using fl::Json;
namespace fs = std::filesystem;

namespace {

using Outcome = fl::test::CommandOutput;
Outcome Run(const std::string& args) { return fl::test::RunBinary(args); }

std::size_t CountLines(const std::string& s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

std::vector<std::string> ReadLines(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void WriteText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  REQUIRE(out.good());
}

void WriteLines(const fs::path& path, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  WriteText(path, text);
}

Json Budget(const std::string& id, int amount) {
  return {{"allocation_id", "lot-" + id},
          {"fiscal_year", 2024},
          {"fund", "lottery.provincial"},
          {"division_code", "530000"},
          {"program", "SWS.OPS"},
          {"amount_fen", amount},
          {"doc_no", "云财社〔2024〕" + id + "号"}};
}

// A closed ledger of 40 entries: three agencies, budget events, and a key
// rotation (key_added, key_revoked, events under the new key), exported.
struct Exported {
  fl::test::TempDir tmp;
  fl::test::World w;
  std::string bundle = tmp.str() + "/bundle";
  std::uint64_t size = 0;
  std::string early_checkpoint;  // a receipt's checkpoint of size 11
  int copies = 0;

  Exported() {
    w.AddAgency("cz-530000", "finance", "530000");
    w.AddAgency("mz-530621", "civil_affairs", "530621");
    for (int i = 0; i < 30; ++i) {
      auto r = w.MustAppend(w.Envelope("b-" + std::to_string(i),
                                       "budget.appropriated", "cz-530000",
                                       Budget(std::to_string(i), 1000 + i)));
      if (r.seq == 10) early_checkpoint = r.checkpoint;
    }
    fl::PrivateKey fresh = fl::PrivateKey::Generate();
    std::string old_id = fl::KeyId(w.key("cz-530000").public_key());
    w.MustAppend(w.Envelope(
        "k-add", "agency.key_added", "admin",
        {{"agency", "cz-530000"},
         {"public_key", fl::Base64Encode(fl::AsBytes(fresh.public_key()))}}));
    w.MustAppend(w.Envelope("k-rev", "agency.key_revoked", "admin",
                            {{"agency", "cz-530000"},
                             {"key_id", old_id},
                             {"reason", "laptop lost"}}));
    w.SetKey("cz-530000", fresh);
    for (int i = 30; i < 35; ++i) {
      w.MustAppend(w.Envelope("b-" + std::to_string(i), "budget.appropriated",
                              "cz-530000",
                              Budget(std::to_string(i), 1000 + i)));
    }
    size = w.ledger().TreeSize();
    w.Close();
    auto s = fl::ExportBundle(w.dir(), bundle);
    REQUIRE(s.ok());
    REQUIRE(s->entries == size);
  }

  // A fresh copy of the bundle to tamper with.
  std::string Copy() {
    std::string to = tmp.str() + "/copy-" + std::to_string(++copies);
    fs::copy(bundle, to, fs::copy_options::recursive);
    return to;
  }
};

// VerifyBundle must report an entry fault at exactly `seq`.
void RequireBadSeq(const std::string& dir, std::uint64_t seq) {
  auto r = fl::VerifyBundle(dir);
  REQUIRE(r.ok());
  INFO(r->problem);
  REQUIRE(r->bad_seq.has_value());
  CHECK(*r->bad_seq == seq);
  CHECK(r->problem.rfind("seq " + std::to_string(seq) + ":", 0) == 0);
}

// The CLI must exit 1 with one stderr line naming `seq`.
void RequireCliBadSeq(const std::string& dir, std::uint64_t seq) {
  Outcome o = Run("verify-bundle " + dir);
  INFO(o.err);
  CHECK(o.status == 1);
  CHECK(CountLines(o.err) == 1);
  CHECK(o.err.find("seq " + std::to_string(seq) + ":") != std::string::npos);
}

// The CLI must exit 1 with one stderr line that names no seq.
void RequireCliBadBundle(const std::string& dir, const std::string& words) {
  Outcome o = Run("verify-bundle " + dir);
  INFO(o.err);
  CHECK(o.status == 1);
  CHECK(CountLines(o.err) == 1);
  CHECK(o.err.find("seq ") == std::string::npos);
  CHECK(o.err.find(words) != std::string::npos);
}

// Entries built by hand, as a ledger that skipped its append checks would
// store them: for what the real ledger refuses to create.
class Forge {
 public:
  static inline const std::string kOrigin = fl::OriginFor("forged.example");
  Forge() {
    Json genesis = {{"id", "genesis"},
                    {"type", "agency.registered"},
                    {"agency", "admin"},
                    {"occurred_at", "2024-01-01T00:00:00Z"},
                    {"data",
                     {{"agency", "admin"},
                      {"name", "admin office"},
                      {"kind", "admin"},
                      {"division_code", "000000"},
                      {"public_key", Pub(admin_)}}}};
    Add(fl::SignEnvelope(genesis, admin_, kOrigin));
  }
  const fl::PrivateKey& admin() const { return admin_; }

  static std::string Pub(const fl::PrivateKey& k) {
    return fl::Base64Encode(fl::AsBytes(k.public_key()));
  }
  static Json Event(const std::string& id, const std::string& type,
                    const std::string& agency, const Json& data) {
    return {{"id", id},
            {"type", type},
            {"agency", agency},
            {"occurred_at", "2024-03-31T08:00:00Z"},
            {"data", data}};
  }
  void Add(const Json& envelope) {
    std::string e =
        fl::BuildEntry(entries_.size(), prev_, "2024-04-01T00:00:00Z",
                       fl::Canonicalize(envelope["event"]),
                       fl::Canonicalize(envelope["signature"]));
    prev_ = fl::LeafHash(e);
    entries_.push_back(e);
  }
  void Register(const std::string& agency, const fl::PrivateKey& key) {
    Add(fl::SignEnvelope(Event("reg-" + agency, "agency.registered", "admin",
                               {{"agency", agency},
                                {"name", agency + " office"},
                                {"kind", "finance"},
                                {"division_code", "530000"},
                                {"public_key", Pub(key)}}),
                         admin_, kOrigin));
  }
  const std::vector<std::string>& entries() const { return entries_; }

  // A bundle of these entries under a checkpoint of a fresh ledger key.
  void WriteBundle(const std::string& dir) const {
    fs::create_directories(dir);
    WriteLines(fs::path(dir) / fl::kBundleEntries, entries_);
    fl::CompactRange range;
    for (const auto& e : entries_) {
      range.Append(fl::LeafHash(e),
                   [](unsigned, std::uint64_t, const fl::Hash&) {});
    }
    fl::PrivateKey ledger_key = fl::PrivateKey::Generate();
    const std::string& origin = kOrigin;
    WriteText(fs::path(dir) / fl::kBundleCheckpoint,
              fl::SignCheckpoint({origin, entries_.size(), range.Root()},
                                 ledger_key));
    WriteText(fs::path(dir) / fl::kBundlePublicKey,
              fl::VerifierKeyString(origin, ledger_key.public_key()) + "\n");
  }

 private:
  fl::PrivateKey admin_ = fl::PrivateKey::Generate();
  fl::Hash prev_{};
  std::vector<std::string> entries_;
};

// Feeds entries to a checker; returns the first failure's seq and error.
struct CheckOutcome {
  std::optional<std::uint64_t> bad_seq;
  fl::Error error;
};
CheckOutcome CheckAll(const std::vector<std::string>& entries,
                      bool signatures = true) {
  fl::EntryChecker checker(signatures, Forge::kOrigin);
  for (const auto& e : entries) {
    std::uint64_t seq = checker.next_seq();
    auto r = checker.Check(e);
    if (!r.ok()) return {seq, r.error()};
    CHECK(*r == fl::LeafHash(e));
  }
  return {};
}

using fl::test::ServeProcess;

}  // namespace

TEST_CASE("an exported bundle holds the stored entries and verifies",
          "[bundle]") {
  fl::test::TempDir tmp;
  fl::test::World w;
  w.AddAgency("cz-530000", "finance", "530000");
  for (int i = 0; i < 5; ++i) {
    w.MustAppend(w.Envelope("b-" + std::to_string(i), "budget.appropriated",
                            "cz-530000", Budget(std::to_string(i), 7)));
  }
  const std::uint64_t size = w.ledger().TreeSize();
  const std::string checkpoint = w.ledger().LatestCheckpoint();
  const std::string verifier_key = w.ledger().Info().verifier_key;
  std::vector<std::string> stored;
  for (std::uint64_t seq = 0; seq < size; ++seq) {
    auto e = w.ledger().EntryAt(seq);
    REQUIRE(e.ok());
    stored.push_back(*e);
  }
  w.Close();

  std::string out = tmp.str() + "/bundle";
  Outcome ex = Run("export --data " + w.dir() + " --out " + out);
  INFO(ex.err);
  REQUIRE(ex.status == 0);
  Json summary = Json::parse(ex.out);
  CHECK(summary.at("entries") == size);
  CHECK(summary.at("tree_size") == size);

  CHECK(ReadLines(fs::path(out) / "entries.jsonl") == stored);
  CHECK(fl::test::ReadFile(fs::path(out) / "checkpoint") == checkpoint);
  CHECK(fl::test::ReadFile(fs::path(out) / "ledger.pub") ==
        verifier_key + "\n");
  std::string jsonl = fl::test::ReadFile(fs::path(out) / "entries.jsonl");
  CHECK(jsonl.back() == '\n');
  CHECK(CountLines(jsonl) == size);

  // Unpinned: everything checks out, but only against the bundle's own key,
  // so it says so, prints the key and origin it found, and exits 3.
  Outcome u = Run("verify-bundle " + out);
  CHECK(u.status == 3);
  CHECK(u.err.find("NOT PINNED") != std::string::npos);
  CHECK(u.err.find(verifier_key) != std::string::npos);
  CHECK(Json::parse(u.out).at("pinned") == false);

  Outcome v = Run("verify-bundle " + out + " --verifier-key " + verifier_key);
  INFO(v.err);
  CHECK(v.status == 0);
  Json vs = Json::parse(v.out);
  CHECK(vs.at("pinned") == true);
  CHECK(vs.at("verifier_key") == verifier_key);
  CHECK(vs.at("origin") == "fundledger/test.example");
  CHECK(vs.at("entries") == size);
  CHECK(vs.at("tree_size") == size);
  CHECK(vs.at("root") == summary.at("root"));
  auto v_cp = fl::ParseVerifierKey(verifier_key);
  REQUIRE(v_cp.ok());
  auto cp = fl::OpenCheckpoint(checkpoint, *v_cp);
  REQUIRE(cp.ok());
  CHECK(vs.at("root") == fl::HexEncode(fl::AsBytes(cp->root)));
}

TEST_CASE("export refuses an output that exists and is not empty", "[bundle]") {
  fl::test::TempDir tmp;
  fl::test::World w;
  w.Close();
  std::string out = tmp.str() + "/taken";
  fs::create_directories(out);
  WriteText(fs::path(out) / "notes.txt", "mine");
  Outcome o = Run("export --data " + w.dir() + " --out " + out);
  INFO(o.err);
  CHECK(o.status != 0);
  CHECK(CountLines(o.err) == 1);
  CHECK(o.err.find("not empty") != std::string::npos);
  CHECK_FALSE(fs::exists(fs::path(out) / "entries.jsonl"));
  CHECK(fl::test::ReadFile(fs::path(out) / "notes.txt") == "mine");

  WriteText(tmp.str() + "/file", "x");
  Outcome f = Run("export --data " + w.dir() + " --out " + tmp.str() + "/file");
  CHECK(f.status != 0);
  CHECK(f.err.find("not a directory") != std::string::npos);

  // An empty directory is fine.
  std::string empty = tmp.str() + "/empty";
  fs::create_directories(empty);
  Outcome e = Run("export --data " + w.dir() + " --out " + empty);
  INFO(e.err);
  CHECK(e.status == 0);
  CHECK(Run("verify-bundle " + empty).status == 3);  // ok, not pinned
}

TEST_CASE("export and verify-bundle have --help and are listed", "[bundle]") {
  Outcome all = Run("--help");
  CHECK(all.out.find("export --data DIR --out DIR2") != std::string::npos);
  CHECK(all.out.find("verify-bundle [--verifier-key VKEY] DIR2") !=
        std::string::npos);
  Outcome e = Run("export --help");
  CHECK(e.status == 0);
  CHECK(e.out.find("usage: fundledger export") != std::string::npos);
  Outcome v = Run("verify-bundle --help");
  CHECK(v.status == 0);
  CHECK(v.out.find("usage: fundledger verify-bundle") != std::string::npos);
  CHECK(Run("verify-bundle").status == 2);
  CHECK(Run("export --data /nonexistent").status == 2);
}

TEST_CASE("a changed byte in line k names seq k", "[bundle]") {
  Exported b;
  REQUIRE(b.size == 40);
  {
    auto ok = fl::VerifyBundle(b.bundle);
    REQUIRE(ok.ok());
    INFO(ok->problem);
    REQUIRE(ok->ok());
    CHECK(ok->summary.entries == b.size);
  }
  enum Region { kEvent, kSignature, kPrev, kRecordedAt };
  const char* names[] = {"event", "signature", "prev", "recorded_at"};
  std::mt19937 rng(20241124);
  // 0 genesis, 1 a registration, 17 a budget event, 33 key_added, 34
  // key_revoked, 39 the last (signed with the rotated key).
  for (std::uint64_t k : {0, 1, 17, 33, 34, 39}) {
    for (Region region : {kEvent, kSignature, kPrev, kRecordedAt}) {
      for (int round = 0; round < 3; ++round) {
        std::string dir = b.Copy();
        auto path = fs::path(dir) / "entries.jsonl";
        auto lines = ReadLines(path);
        std::string& line = lines[k];
        auto view = fl::ScanEntry(line);
        REQUIRE(view.ok());
        std::string_view part = region == kEvent       ? view->event
                                : region == kSignature ? view->signature
                                : region == kPrev      ? view->prev_hex
                                                       : view->recorded_at;
        std::size_t at =
            static_cast<std::size_t>(part.data() - line.data()) +
            std::uniform_int_distribution<std::size_t>(0, part.size() - 1)(rng);
        line[at] = static_cast<char>(line[at] ^ (1 + rng() % 255));
        WriteLines(path, lines);
        INFO("line " << k << " " << names[region] << " byte " << at);
        RequireBadSeq(dir, k);
        if (round == 0 && (k == 0 || k == 39)) RequireCliBadSeq(dir, k);
      }
    }
  }
}

TEST_CASE("a quiet edit of recorded_at names that seq, not the next",
          "[bundle]") {
  Exported b;
  for (std::uint64_t k : {0, 17, 39}) {
    std::string dir = b.Copy();
    auto path = fs::path(dir) / "entries.jsonl";
    auto lines = ReadLines(path);
    auto view = fl::ScanEntry(lines[k]);
    REQUIRE(view.ok());
    // The year's last digit: still a timestamp, still canonical JSON, and
    // not signed; only the chain (or, for the last line, the root) sees it.
    std::size_t at =
        static_cast<std::size_t>(view->recorded_at.data() - lines[k].data()) +
        3;
    lines[k][at] =
        lines[k][at] == '9' ? '8' : static_cast<char>(lines[k][at] + 1);
    WriteLines(path, lines);
    INFO("line " << k << ": " << lines[k].substr(at - 3, 20));
    RequireBadSeq(dir, k);
  }
}

TEST_CASE("dropped, swapped, repeated or extra lines name the first bad seq",
          "[bundle]") {
  Exported b;
  auto lines_of = [&](const std::string& dir) {
    return ReadLines(fs::path(dir) / "entries.jsonl");
  };
  for (std::uint64_t k : {std::uint64_t{0}, std::uint64_t{9}, b.size - 1}) {
    std::string dir = b.Copy();
    auto lines = lines_of(dir);
    lines.erase(lines.begin() + static_cast<long>(k));
    WriteLines(fs::path(dir) / "entries.jsonl", lines);
    INFO("dropped " << k);
    RequireBadSeq(dir, k);
    RequireCliBadSeq(dir, k);
  }
  for (auto [i, j] : {std::pair<int, int>{5, 6}, {5, 20}, {0, 1}}) {
    std::string dir = b.Copy();
    auto lines = lines_of(dir);
    std::swap(lines[i], lines[j]);
    WriteLines(fs::path(dir) / "entries.jsonl", lines);
    INFO("swapped " << i << " and " << j);
    RequireBadSeq(dir, static_cast<std::uint64_t>(i));
  }
  {
    std::string dir = b.Copy();
    auto lines = lines_of(dir);
    lines.insert(lines.begin() + 8, lines[7]);
    WriteLines(fs::path(dir) / "entries.jsonl", lines);
    RequireBadSeq(dir, 8);
  }
  {
    std::string dir = b.Copy();
    auto lines = lines_of(dir);
    lines.push_back(lines.back());
    WriteLines(fs::path(dir) / "entries.jsonl", lines);
    RequireBadSeq(dir, b.size);
    RequireCliBadSeq(dir, b.size);
  }
  {
    // A blank line in the middle is not an entry.
    std::string dir = b.Copy();
    auto lines = lines_of(dir);
    lines.insert(lines.begin() + 3, "");
    WriteLines(fs::path(dir) / "entries.jsonl", lines);
    RequireBadSeq(dir, 3);
  }
  {
    // An over-long line is refused before it is held whole.
    std::string dir = b.Copy();
    auto lines = lines_of(dir);
    lines[4] += std::string(70000, ' ');
    WriteLines(fs::path(dir) / "entries.jsonl", lines);
    RequireBadSeq(dir, 4);
  }
}

TEST_CASE("a foreign checkpoint, key or a missing file fails without a seq",
          "[bundle]") {
  Exported b;
  std::string pub = fl::test::ReadFile(fs::path(b.bundle) / "ledger.pub");
  pub.pop_back();
  auto key = fl::ParseVerifierKey(pub);
  REQUIRE(key.ok());
  auto cp = fl::OpenCheckpoint(
      fl::test::ReadFile(fs::path(b.bundle) / "checkpoint"), *key);
  REQUIRE(cp.ok());

  SECTION("checkpoint of the same tree signed by another key") {
    std::string dir = b.Copy();
    WriteText(fs::path(dir) / "checkpoint",
              fl::SignCheckpoint(*cp, fl::PrivateKey::Generate()));
    auto r = fl::VerifyBundle(dir);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().detail.find("checkpoint") != std::string::npos);
    RequireCliBadBundle(dir, "does not verify");
  }
  SECTION("ledger.pub of another ledger with the same name") {
    fl::test::World other;
    std::string dir = b.Copy();
    WriteText(fs::path(dir) / "ledger.pub",
              other.ledger().Info().verifier_key + "\n");
    REQUIRE(other.ledger().Info().origin == cp->origin);
    REQUIRE_FALSE(fl::VerifyBundle(dir).ok());
    RequireCliBadBundle(dir, "does not verify");
  }
  SECTION("ledger.pub that is not a verifier key") {
    std::string dir = b.Copy();
    WriteText(fs::path(dir) / "ledger.pub", "fundledger/test.example\n");
    RequireCliBadBundle(dir, "ledger.pub");
  }
  SECTION("a checkpoint with a changed root") {
    std::string dir = b.Copy();
    std::string note = fl::test::ReadFile(fs::path(dir) / "checkpoint");
    auto nl = note.find('\n', note.find('\n') + 1);
    note[nl + 3] = note[nl + 3] == 'A' ? 'B' : 'A';
    WriteText(fs::path(dir) / "checkpoint", note);
    RequireCliBadBundle(dir, "does not verify");
  }
  for (const char* file : {"entries.jsonl", "checkpoint", "ledger.pub"}) {
    SECTION(std::string("missing ") + file) {
      std::string dir = b.Copy();
      fs::remove(fs::path(dir) / file);
      RequireCliBadBundle(dir, file);
    }
  }
}

TEST_CASE("an older checkpoint covers exactly its own entries", "[bundle]") {
  Exported b;
  REQUIRE_FALSE(b.early_checkpoint.empty());
  std::string dir = b.Copy();
  WriteText(fs::path(dir) / "checkpoint", b.early_checkpoint);
  // All 40 lines under a checkpoint of 11: line 11 is one too many.
  RequireBadSeq(dir, 11);
  // The first 11 lines are a complete bundle of that checkpoint.
  auto lines = ReadLines(fs::path(dir) / "entries.jsonl");
  lines.resize(11);
  WriteLines(fs::path(dir) / "entries.jsonl", lines);
  auto r = fl::VerifyBundle(dir);
  REQUIRE(r.ok());
  INFO(r->problem);
  CHECK(r->ok());
  CHECK(r->summary.tree_size == 11);
}

TEST_CASE("the entry checker replays keys: revoked, foreign, genesis",
          "[bundle]") {
  fl::PrivateKey cz = fl::PrivateKey::Generate();
  auto budget = [&](const std::string& id, const fl::PrivateKey& key,
                    const std::string& agency = "cz-530000") {
    return fl::SignEnvelope(
        Forge::Event(id, "budget.appropriated", agency, Budget(id, 100)), key,
        Forge::kOrigin);
  };
  auto revoke = [&](Forge& f) {
    f.Add(fl::SignEnvelope(Forge::Event("rev", "agency.key_revoked", "admin",
                                        {{"agency", "cz-530000"},
                                         {"key_id", fl::KeyId(cz.public_key())},
                                         {"reason", "lost"}}),
                           f.admin(), Forge::kOrigin));
  };

  SECTION("a key signs until the seq that revokes it, not after") {
    Forge f;
    f.Register("cz-530000", cz);  // seq 1
    f.Add(budget("b-1", cz));     // seq 2: fine
    revoke(f);                    // seq 3
    CHECK_FALSE(CheckAll(f.entries()).bad_seq);
    f.Add(budget("b-2", cz));  // seq 4: signed with a revoked key
    auto out = CheckAll(f.entries());
    REQUIRE(out.bad_seq);
    CHECK(*out.bad_seq == 4);
    CHECK(out.error.reason == "key_revoked");
    // Without signature checks (plain `verify`) only the chain counts.
    CHECK_FALSE(CheckAll(f.entries(), false).bad_seq);

    fl::test::TempDir tmp;
    std::string dir = tmp.str() + "/forged";
    f.WriteBundle(dir);
    RequireBadSeq(dir, 4);
    RequireCliBadSeq(dir, 4);
    auto r = fl::VerifyBundle(dir);
    REQUIRE(r.ok());
    CHECK(r->problem.find("revoked at seq 3") != std::string::npos);
  }
  SECTION("a key added later signs; the forged bundle without it verifies") {
    Forge f;
    f.Register("cz-530000", cz);
    fl::PrivateKey fresh = fl::PrivateKey::Generate();
    f.Add(fl::SignEnvelope(Forge::Event("add", "agency.key_added", "admin",
                                        {{"agency", "cz-530000"},
                                         {"public_key", Forge::Pub(fresh)}}),
                           f.admin(), Forge::kOrigin));
    revoke(f);
    f.Add(budget("b-1", fresh));
    CHECK_FALSE(CheckAll(f.entries()).bad_seq);
    fl::test::TempDir tmp;
    f.WriteBundle(tmp.str() + "/ok");
    CHECK(Run("verify-bundle " + tmp.str() + "/ok").status == 3);  // unpinned
  }
  SECTION("a key of another agency") {
    Forge f;
    f.Register("cz-530000", cz);
    f.Register("cz-530100", fl::PrivateKey::Generate());
    f.Add(budget("b-1", cz, "cz-530100"));
    auto out = CheckAll(f.entries());
    REQUIRE(out.bad_seq);
    CHECK(*out.bad_seq == 3);
    CHECK(out.error.reason == "unknown_key");
  }
  SECTION("a key registered twice") {
    Forge f;
    f.Register("cz-530000", cz);
    f.Register("cz-530100", cz);
    auto out = CheckAll(f.entries());
    REQUIRE(out.bad_seq);
    CHECK(*out.bad_seq == 2);
  }
  SECTION("a genesis not signed by its own key") {
    Forge f;
    std::vector<std::string> entries = f.entries();
    auto view = fl::ScanEntry(entries[0]);
    REQUIRE(view.ok());
    Json event = Json::parse(view->event);
    Json env =
        fl::SignEnvelope(event, fl::PrivateKey::Generate(), Forge::kOrigin);
    entries[0] = fl::BuildEntry(0, fl::Hash{}, "2024-04-01T00:00:00Z",
                                fl::Canonicalize(env["event"]),
                                fl::Canonicalize(env["signature"]));
    auto out = CheckAll(entries);
    REQUIRE(out.bad_seq);
    CHECK(*out.bad_seq == 0);
  }
  SECTION("an entry that is not canonical JSON") {
    Forge f;
    std::vector<std::string> entries = f.entries();
    // A space inside the event: the same JSON, other bytes.
    auto at = entries[0].find("\"data\":");
    REQUIRE(at != std::string::npos);
    std::string spaced = entries[0].substr(0, at + 7);
    spaced += ' ';
    spaced += entries[0].substr(at + 7);
    entries[0] = spaced;
    auto out = CheckAll(entries);
    REQUIRE(out.bad_seq);
    CHECK(*out.bad_seq == 0);
    CHECK(out.error.reason == "not_canonical");
  }
}

TEST_CASE("verify --signatures still replays a key rotation", "[bundle]") {
  Exported b;
  fl::VerifyOptions o;
  o.signatures = true;
  auto r = fl::VerifyLedger(b.w.dir(), o);
  REQUIRE(r.ok());
  INFO(r->problem);
  CHECK(r->ok());
  CHECK(r->entries == b.size);
}

TEST_CASE("export works while a Ledger holds the store open", "[bundle]") {
  fl::test::TempDir tmp;
  fl::test::World w;
  w.AddAgency("cz-530000", "finance", "530000");
  w.MustAppend(
      w.Envelope("b-1", "budget.appropriated", "cz-530000", Budget("1", 5)));
  auto first = fl::ExportBundle(w.dir(), tmp.str() + "/one");
  REQUIRE(first.ok());
  CHECK(first->entries == w.ledger().TreeSize());
  w.MustAppend(
      w.Envelope("b-2", "budget.appropriated", "cz-530000", Budget("2", 6)));
  Outcome second =
      Run("export --data " + w.dir() + " --out " + tmp.str() + "/two");
  INFO(second.err);
  REQUIRE(second.status == 0);
  CHECK(Json::parse(second.out).at("entries") == w.ledger().TreeSize());
  CHECK(fl::test::ReadFile(tmp.str() + "/two/checkpoint") ==
        w.ledger().LatestCheckpoint());
  for (const char* d : {"/one", "/two"}) {
    auto r = fl::VerifyBundle(tmp.str() + d);
    REQUIRE(r.ok());
    INFO(r->problem);
    CHECK(r->ok());
  }
}

TEST_CASE("export works beside a running fundledger serve", "[bundle]") {
  fl::test::TempDir tmp;
  fl::test::World w;
  w.AddAgency("cz-530000", "finance", "530000");
  const std::uint64_t size = w.ledger().TreeSize();
  const std::string verifier_key = w.ledger().Info().verifier_key;
  w.Close();
  ServeProcess serve(w.dir());

  Outcome one =
      Run("export --data " + w.dir() + " --out " + tmp.str() + "/one");
  INFO(one.err);
  REQUIRE(one.status == 0);
  CHECK(Json::parse(one.out).at("entries") == size);
  CHECK(Run("verify-bundle " + tmp.str() + "/one").status == 3);  // unpinned

  // An append acknowledged by the server is in the next export.
  fl::http::Client client("127.0.0.1", serve.port());
  auto posted = client.Post(
      "/v1/events",
      w.Envelope("b-1", "budget.appropriated", "cz-530000", Budget("1", 5))
          .dump());
  REQUIRE(posted.status == 201);
  Outcome two =
      Run("export --data " + w.dir() + " --out " + tmp.str() + "/two");
  INFO(two.err);
  REQUIRE(two.status == 0);
  CHECK(Json::parse(two.out).at("entries") == size + 1);
  Outcome v =
      Run("verify-bundle " + tmp.str() + "/two --verifier-key " + verifier_key);
  INFO(v.err);
  CHECK(v.status == 0);
}

TEST_CASE("a pinned verify-bundle refuses a forged bundle with its own key",
          "[bundle]") {
  Exported b;
  std::string trusted = fl::test::ReadFile(fs::path(b.bundle) / "ledger.pub");
  trusted.pop_back();
  REQUIRE(fl::VerifyBundle(b.bundle, trusted).ok());
  REQUIRE(fl::VerifyBundle(b.bundle, trusted)->summary.pinned);

  // A forger rewrites history under a new key and ships that key along:
  // it checks out against itself, never against the key the auditor holds.
  Forge f;
  f.Register("cz-530000", fl::PrivateKey::Generate());
  fl::test::TempDir tmp;
  const std::string forged = tmp.str() + "/forged";
  f.WriteBundle(forged);
  auto alone = fl::VerifyBundle(forged);
  REQUIRE(alone.ok());
  CHECK(alone->ok());
  CHECK_FALSE(alone->summary.pinned);

  auto pinned = fl::VerifyBundle(forged, trusted);
  REQUIRE_FALSE(pinned.ok());
  CHECK(pinned.error().detail.find("not the pinned verifier key") !=
        std::string::npos);
  Outcome o = Run("verify-bundle " + forged + " --verifier-key " + trusted);
  CHECK(o.status == 1);
  CHECK(o.err.find("not the pinned verifier key") != std::string::npos);

  // Swapping the trusted key into ledger.pub does not help: the forged
  // checkpoint does not verify with it.
  WriteText(fs::path(forged) / "ledger.pub", trusted + "\n");
  auto swapped = fl::VerifyBundle(forged, trusted);
  REQUIRE_FALSE(swapped.ok());
  CHECK(swapped.error().detail.find("does not verify") != std::string::npos);

  // A pin that is not a verifier key is a clear error.
  CHECK(Run("verify-bundle " + b.bundle + " --verifier-key nonsense").status ==
        1);
}
