// When the store cannot write (API.md amended 2026-12): appends answer 503
// storage_unavailable with nothing half-written, /healthz answers 503
// naming the reason, reads go on, and appends resume by themselves once a
// write succeeds again. Once with an injected fault (any user), once on a
// real full filesystem (a small tmpfs; root only, else skipped).
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "api/client/http_client.h"
#include "api/http/http_server.h"
#include "api/http/tokens.h"
#include "binary_process.h"
#include "ledger/verifier.h"
#include "replay/projections.h"
#include "test_world.h"

using fl::Json;
using Clock = std::chrono::steady_clock;

namespace {

Json Budget(const std::string& alloc) {
  return {{"allocation_id", alloc},       {"fiscal_year", 2024},
          {"fund", "lottery.provincial"}, {"division_code", "530000"},
          {"program", "SWS.OPS"},         {"amount_fen", 1000},
          {"doc_no", "云财社〔2024〕1号"}};
}

std::string Code(const fl::http::ClientResponse& r) {
  Json p = Json::parse(r.body, nullptr, false);
  if (!p.is_object()) return "(not json)";
  std::string type = p.value("type", "");
  constexpr std::string_view kPrefix = "urn:fundledger:error:";
  return type.starts_with(kPrefix) ? type.substr(kPrefix.size()) : type;
}

// `serve` over an already open ledger: the projection worker and the
// HTTP server, stopped in that order's reverse.
struct Served {
  std::unique_ptr<fl::replay::Projections> projections;
  std::unique_ptr<fl::http::Server> server;
  std::string auditor;

  Served(fl::Ledger& ledger, const std::string& dir,
         const std::string& projections_dir = "") {
    auto p = fl::replay::Projections::Open(ledger, projections_dir.empty()
                                                       ? dir + "/projections"
                                                       : projections_dir);
    REQUIRE(p.ok());
    projections = std::move(*p);
    projections->Start();
    fl::http::ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.data_dir = dir;
    o.tokens_file = fl::DefaultTokensFile(dir);
    o.io_threads = 2;
    o.projections = projections.get();
    auto t = fl::CreateToken(o.tokens_file, {"auditor", "000000", ""});
    REQUIRE(t.ok());
    auditor = *t;
    server = std::make_unique<fl::http::Server>(ledger, o);
    REQUIRE(server->Start().ok());
  }
  ~Served() {
    server->Stop();
    projections->Stop();
  }
  fl::http::Client Client() {
    return fl::http::Client("127.0.0.1", std::to_string(server->port()),
                            std::chrono::seconds(20));
  }
};

// A tmpfs of `size` at `path` for the test's life; false (after printing
// why the test is skipped) when this process may not mount.
class SmallDisk {
 public:
  SmallDisk(std::string path, const char* size) : path_(std::move(path)) {
    std::filesystem::create_directories(path_);
    std::string opts = std::string("size=") + size;
    mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", 0, opts.c_str()) == 0;
    if (!mounted_) {
      std::printf("SKIPPED: cannot mount a tmpfs at %s: %s\n", path_.c_str(),
                  std::strerror(errno));
    }
  }
  ~SmallDisk() {
    stop_hog_ = true;
    if (hog_.joinable()) hog_.join();
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;
  bool mounted() const { return mounted_; }

  // Writes `path`/ballast until the disk is full but `leave` bytes (0:
  // until a write fails).
  void Fill(std::uint64_t leave) {
    struct statvfs fs {};
    REQUIRE(::statvfs(path_.c_str(), &fs) == 0);
    const std::uint64_t free_bytes =
        static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
    std::FILE* f = std::fopen((path_ + "/ballast").c_str(), "ab");
    REQUIRE(f != nullptr);
    std::string chunk(64 << 10, 'b');
    std::uint64_t written = 0;
    while (leave == 0 || written + chunk.size() + leave <= free_bytes) {
      if (std::fwrite(chunk.data(), 1, chunk.size(), f) != chunk.size() ||
          std::fflush(f) != 0) {
        break;  // full
      }
      written += chunk.size();
    }
    std::fclose(f);
  }
  // Keeps the disk full: a thread takes every page freed meanwhile (e.g.
  // by RocksDB closing a file), until Free.
  void Hog() {
    hog_ = std::thread([this] {
      std::FILE* f = std::fopen((path_ + "/hog").c_str(), "wb");
      if (!f) return;
      std::string page(4096, 'h');
      while (!stop_hog_) {
        if (std::fwrite(page.data(), 1, page.size(), f) != page.size() ||
            std::fflush(f) != 0) {
          std::clearerr(f);
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
      }
      std::fclose(f);
    });
  }
  void Free() {
    stop_hog_ = true;
    if (hog_.joinable()) hog_.join();
    std::filesystem::remove(path_ + "/ballast");
    std::filesystem::remove(path_ + "/hog");
  }

 private:
  std::string path_;
  bool mounted_ = false;
  std::atomic<bool> stop_hog_{false};
  std::thread hog_;
};

bool IsRoot() {
  if (::geteuid() == 0) return true;
  std::puts("SKIPPED: needs root to mount a small tmpfs");
  return false;
}

// Polls `fn` (every 50 ms, up to `limit`) until it returns true. RocksDB
// looks for free space to clear a no-space error every 5 s.
template <class F>
bool Eventually(F fn, std::chrono::seconds limit = std::chrono::seconds(30)) {
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (fn()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return fn();
}

}  // namespace

TEST_CASE("a store that cannot write: 503 storage_unavailable, reads go on",
          "[http][fault]") {
  fl::test::World world;
  world.AddAgency("cz-530000", "finance", "530000");
  world.MustAppend(world.Envelope("b-0", "budget.appropriated", "cz-530000",
                                  Budget("lot-0")));
  world.Close();
  std::atomic<bool> failing{false};
  fl::LedgerOptions lo;
  lo.before_group_write = [&failing](std::uint64_t) -> fl::Status {
    if (!failing) return fl::Status::Ok();
    return fl::MakeError(fl::Code::kUnavailable, "storage_unavailable",
                         "injected: No space left on device");
  };
  auto opened = fl::Ledger::Open(world.dir(), lo);
  REQUIRE(opened.ok());
  std::unique_ptr<fl::Ledger> ledger = std::move(*opened);
  Served served(*ledger, world.dir());
  auto c = served.Client();
  const std::uint64_t size = ledger->TreeSize();
  const std::string checkpoint = ledger->LatestCheckpoint();
  // The projection worker has caught up, so the store dump is stable.
  REQUIRE(served.projections->WaitApplied(size - 1, 10000));
  const std::string db = fl::test::DumpDb(world.dir());

  auto append = [&](const std::string& id) {
    return c.Post("/v1/events", world
                                    .Envelope(id, "budget.appropriated",
                                              "cz-530000", Budget("lot-" + id))
                                    .dump());
  };
  auto batch = [&](const std::string& id) {
    Json body = {{"events", Json::array()}};
    for (int i = 0; i < 3; ++i) {
      std::string item = id + "-" + std::to_string(i);
      body["events"].push_back(world.Envelope(
          item, "budget.appropriated", "cz-530000", Budget("lot-" + item)));
    }
    return c.Post("/v1/events:batch", body.dump());
  };

  SECTION("appends resume by themselves once a write succeeds") {
    failing = true;
    for (int i = 0; i < 3; ++i) {
      auto r = append("b-1");
      CHECK(r.status == 503);
      CHECK(Code(r) == "storage_unavailable");
      CHECK(std::stoi(r.header("retry-after")) >= 1);
    }
    auto b = batch("bb");
    CHECK(b.status == 503);
    CHECK(Code(b) == "storage_unavailable");
    // Reads go on, and nothing was stored or half-written.
    auto info = c.Get("/v1/ledger");
    REQUIRE(info.status == 200);
    CHECK(Json::parse(info.body).at("tree_size") == size);
    CHECK(c.Get("/v1/checkpoint").body == checkpoint);
    CHECK(c.Get("/v1/entries/1", served.auditor).status == 200);
    CHECK(c.Get("/v1/entries/" + std::to_string(size), served.auditor).status ==
          404);
    CHECK(c.Get("/v1/proofs/inclusion?seq=1").status == 200);
    CHECK(c.Get("/v1/balances", served.auditor).status == 200);
    CHECK(fl::test::DumpDb(world.dir()) == db);
    // The metrics say so too.
    auto metrics = c.Get("/metrics");
    CHECK(metrics.body.find("fundledger_ledger_storage_failing 1") !=
          std::string::npos);

    failing = false;  // no /healthz call in between: the append itself
    auto ok = append("b-1");
    CHECK(ok.status == 201);
    CHECK(batch("bb").status == 201);
    CHECK(ledger->TreeSize() == size + 4);
    CHECK(c.Get("/healthz").status == 200);
    CHECK(c.Get("/metrics").body.find("fundledger_ledger_storage_failing 0") !=
          std::string::npos);
  }

  SECTION("/healthz answers 503 naming the reason, then 200 by itself") {
    failing = true;
    CHECK(append("b-2").status == 503);
    auto h = c.Get("/healthz");
    CHECK(h.status == 503);
    CHECK(Code(h) == "storage_unavailable");
    CHECK(h.body.find("No space left on device") != std::string::npos);
    CHECK(!h.header("retry-after").empty());
    // Still failing: the probe keeps it 503.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CHECK(c.Get("/healthz").status == 503);
    CHECK(fl::test::DumpDb(world.dir()) == db);
    failing = false;
    // The probe (once a second) finds the store writable again, with no
    // append needed.
    CHECK(Eventually([&] { return c.Get("/healthz").status == 200; }));
    CHECK(fl::test::DumpDb(world.dir()) == db);  // the probe stores no row
    CHECK(append("b-2").status == 201);
  }
}

TEST_CASE("a full filesystem: 503, reads and verify go on, appends resume",
          "[http][fault][root]") {
  if (!IsRoot()) return;  // the injected-fault test above still runs
  fl::test::TempDir tmp;
  const std::string mnt = tmp.str() + "/mnt";
  // Big enough that freeing the ballast leaves RocksDB the 64 MiB it wants
  // free (its memtable size) before it clears a no-space error itself.
  SmallDisk disk(mnt, "192m");
  if (!disk.mounted()) return;

  std::unique_ptr<fl::test::World> world;
  world = std::make_unique<fl::test::World>("000000", mnt);
  const std::string dir = world->dir();
  world->Close();
  disk.Fill(8 << 20);  // ballast: all but 8 MiB, deleted later
  auto opened = fl::Ledger::Open(dir);
  REQUIRE(opened.ok());
  std::unique_ptr<fl::Ledger> ledger = std::move(*opened);
  auto served = std::make_unique<Served>(*ledger, dir);
  auto c = served->Client();

  // Events near the 60,000-byte limit until the disk is full.
  auto big = [&](int i) {
    Json words = Json::array();
    for (int j = 0; j < 850; ++j) {
      std::string word = "w" + std::to_string(i) + "-" + std::to_string(j);
      word.resize(64, 'x');
      words.push_back(word);
    }
    return world
        ->Envelope("prog-" + std::to_string(i), "program.defined", "admin",
                   {{"program", "BIG.P" + std::to_string(i)},
                    {"name", "Big program"},
                    {"purposes", words},
                    {"allowed_categories", Json::array({"goods"})}})
        .dump();
  };
  std::map<std::uint64_t, std::string> acknowledged;  // seq -> leaf hash
  int i = 0;
  fl::http::ClientResponse refused;
  for (; i < 400; ++i) {
    auto r = c.Post("/v1/events", big(i));
    if (r.status == 201) {
      Json receipt = Json::parse(r.body);
      acknowledged[receipt.at("seq")] = receipt.at("leaf_hash");
      continue;
    }
    refused = r;
    break;
  }
  INFO("appends before the disk filled: " << acknowledged.size());
  REQUIRE(refused.status == 503);
  CHECK(Code(refused) == "storage_unavailable");
  CHECK(!refused.header("retry-after").empty());
  const std::uint64_t size = ledger->TreeSize();
  // Still full: refused again, promptly, with nothing stored.
  auto again = c.Post("/v1/events", big(i));
  CHECK(again.status == 503);
  CHECK(ledger->TreeSize() == size);

  auto h = c.Get("/healthz");
  CHECK(h.status == 503);
  CHECK(Code(h) == "storage_unavailable");
  INFO("healthz: " << h.body);
  // Reads go on: entries, proofs, the checkpoint.
  auto info = c.Get("/v1/ledger");
  REQUIRE(info.status == 200);
  CHECK(Json::parse(info.body).at("tree_size") == size);
  CHECK(c.Get("/v1/entries/" + std::to_string(size - 1), served->auditor)
            .status == 200);
  CHECK(c.Get("/v1/proofs/inclusion?seq=1&tree_size=" + std::to_string(size))
            .status == 200);
  CHECK(c.Get("/v1/checkpoint").status == 200);
  // `fundledger verify` beside the server: the log is whole.
  auto verify = fl::test::RunBinary("verify --data " + dir);
  INFO(verify.out << verify.err);
  CHECK(verify.status == 0);

  // Free the disk: appends resume by themselves.
  disk.Free();
  bool resumed = Eventually([&] {
    auto r = c.Post("/v1/events", big(i));
    if (r.status != 201) return false;
    Json receipt = Json::parse(r.body);
    acknowledged[receipt.at("seq")] = receipt.at("leaf_hash");
    return true;
  });
  REQUIRE(resumed);
  CHECK(Eventually([&] { return c.Get("/healthz").status == 200; }));
  CHECK(c.Post("/v1/events", big(i + 1)).status == 201);
  INFO("appends after the disk was freed: " << acknowledged.size());
  // The projection worker, which also lost its writes, catches up and
  // says nothing is wrong any more.
  CHECK(Eventually([&] {
    auto p = c.Get("/v1/projections", served->auditor);
    if (p.status != 200) return false;
    Json first = Json::parse(p.body).at("projections").at(0);
    return !first.contains("error") &&
           first.at("applied_entries") == ledger->TreeSize();
  }));

  // Every acknowledged receipt is in the log, and the log verifies after
  // a restart as well.
  served.reset();
  ledger.reset();
  auto reopened = fl::Ledger::Open(dir);
  REQUIRE(reopened.ok());
  for (const auto& [seq, leaf] : acknowledged) {
    auto text = (*reopened)->EntryAt(seq);
    REQUIRE(text.ok());
  }
  reopened->reset();
  auto after = fl::test::RunBinary("verify --data " + dir);
  INFO(after.out << after.err);
  CHECK(after.status == 0);
}

TEST_CASE("the projection worker reports a full store and catches up later",
          "[http][fault][root]") {
  if (!IsRoot()) return;
  fl::test::World world;
  world.AddAgency("cz-530000", "finance", "530000");
  fl::test::TempDir tmp;
  // RocksDB clears a no-space error itself once 64 MiB are free.
  SmallDisk disk(tmp.str() + "/proj", "192m");
  if (!disk.mounted()) return;
  // The log on the ordinary disk, the projections on the small one, with
  // 1 MiB left: an empty disk would let RocksDB reserve 70 MiB for its log
  // file, which then takes writes long after the disk is otherwise full.
  disk.Fill(1 << 20);
  Served served(world.ledger(), world.dir(), tmp.str() + "/proj/store");
  auto c = served.Client();
  REQUIRE(
      served.projections->WaitApplied(world.ledger().TreeSize() - 1, 10000));
  disk.Fill(0);
  disk.Hog();

  // The worker's commit fails: it says so everywhere, and keeps trying.
  auto failing = [&] {
    auto p = c.Get("/v1/projections", served.auditor);
    return p.status == 200 &&
           Json::parse(p.body).at("projections").at(0).contains("error");
  };
  // Appends go on (the log is on the other disk) until a commit of the
  // worker's rows fails: how many rows still fit in what RocksDB had
  // already allocated depends on their size, so the test appends in
  // rounds rather than a fixed count.
  int events = 0;
  bool failed = false;
  while (!failed && events < 2000) {
    for (int i = 0; i < 20; ++i, ++events) {
      std::string id = "b-" + std::to_string(events);
      auto r =
          c.Post("/v1/events", world
                                   .Envelope(id, "budget.appropriated",
                                             "cz-530000", Budget("lot-" + id))
                                   .dump());
      REQUIRE(r.status == 201);  // appends do not depend on the projections
    }
    failed = Eventually(failing, std::chrono::seconds(2));
  }
  std::printf(
      "storage_fault_test: the worker's commit failed after %d appends\n",
      events);
  REQUIRE(failed);
  const std::uint64_t size = world.ledger().TreeSize();
  auto h = c.Get("/healthz");
  CHECK(h.status == 200);
  CHECK(Json::parse(h.body).at("status") == "degraded");
  CHECK(Json::parse(h.body).contains("projections_error"));
  CHECK(c.Get("/metrics")
            .body.find(
                "fundledger_projection_failed{projection=\"accounts\"} 1") !=
        std::string::npos);
  CHECK(c.Get("/v1/proofs/inclusion?seq=1").status == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(failing());  // still failing while the disk is full

  disk.Free();
  // It catches up by itself: every entry applied once, the error gone.
  CHECK(Eventually([&] {
    auto p = c.Get("/v1/projections", served.auditor);
    if (p.status != 200) return false;
    Json first = Json::parse(p.body).at("projections").at(0);
    return !first.contains("error") && first.at("applied_entries") == size;
  }));
  CHECK(Json::parse(c.Get("/healthz").body).at("status") == "ok");
  for (int i = 0; i < events; ++i) {
    CHECK(c.Get("/v1/lots/lot-b-" + std::to_string(i), served.auditor).status ==
          200);
  }
  // Each event counted once (the projector also FL_CHECKs seq order).
  auto live = c.Get("/v1/balances?division_code=530000", served.auditor);
  REQUIRE(live.status == 200);
  Json balances = Json::parse(live.body).at("balances");
  std::int64_t appropriated = 0;
  for (const auto& row : balances) {
    appropriated += row.value("appropriated", std::int64_t{0});
  }
  CHECK(appropriated == 1000 * std::int64_t{events});
}
