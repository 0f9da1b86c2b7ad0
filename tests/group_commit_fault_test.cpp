// Group commit when the synced write of a group fails or the commit path
// throws (LedgerOptions::before_group_write injects either): every caller
// of that group gets an error instead of hanging, nothing of the group is
// stored, the queue moves on, and later appends succeed on a log that
// still verifies.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <tuple>

#include "ledger/ledger.h"
#include "ledger/verifier.h"
#include "test_world.h"

using fl::Json;
using fl::Ledger;
using fl::LedgerOptions;
using fl::UnitResult;

namespace {

Json Budget(const std::string& alloc) {
  return {{"allocation_id", alloc},       {"fiscal_year", 2024},
          {"fund", "lottery.provincial"}, {"division_code", "530000"},
          {"program", "SWS.OPS"},         {"amount_fen", 1000},
          {"doc_no", "云财社〔2024〕1号"}};
}

enum class Fault { kNone, kError, kThrow };

fl::Status Injected() {
  return fl::MakeError(fl::Code::kUnavailable, "storage_unavailable",
                       "injected: no space left on device");
}

// A ledger over `world`'s directory whose group writes fail on demand.
struct FaultyLedger {
  std::atomic<Fault> fault{Fault::kNone};
  std::atomic<int> every{0};  // with a fault: only every Nth write (0: all)
  std::atomic<int> writes{0};
  std::unique_ptr<Ledger> ledger;

  explicit FaultyLedger(const std::string& dir) {
    LedgerOptions o;
    o.before_group_write = [this](std::uint64_t entries) -> fl::Status {
      Fault f = fault.load();
      if (entries == 0) {  // the StorageHealth probe: fails like a write
        return f == Fault::kError ? Injected() : fl::Status::Ok();
      }
      int n = ++writes;
      if (f == Fault::kNone || (every > 0 && n % every != 0)) {
        return fl::Status::Ok();
      }
      if (f == Fault::kThrow) throw std::runtime_error("injected throw");
      return Injected();
    };
    auto l = Ledger::Open(dir, o);
    REQUIRE(l.ok());
    ledger = std::move(*l);
  }
};

// Runs `fn` on another thread and fails the test (instead of hanging it)
// if it does not return within `limit`; a hung thread is left behind.
template <class F>
auto WithinTime(F fn, std::chrono::seconds limit = std::chrono::seconds(30)) {
  using R = decltype(fn());
  auto task = std::make_shared<std::packaged_task<R()>>(std::move(fn));
  auto done = task->get_future();
  std::thread([task] { (*task)(); }).detach();
  if (done.wait_for(limit) != std::future_status::ready) {
    FAIL("no answer within " << limit.count() << " s: a caller hangs");
  }
  return done.get();
}

}  // namespace

TEST_CASE("a failing group write refuses its callers and the next succeeds",
          "[ledger][fault]") {
  fl::test::World world;
  world.AddAgency("cz-530000", "finance", "530000");
  world.Close();
  FaultyLedger fl_(world.dir());
  Ledger& ledger = *fl_.ledger;
  const std::uint64_t size = ledger.TreeSize();
  const std::string checkpoint = ledger.LatestCheckpoint();
  const std::string db = fl::test::DumpDb(world.dir());

  for (Fault f : {Fault::kError, Fault::kThrow}) {
    fl_.fault = f;
    auto env = world.Envelope("b-1", "budget.appropriated", "cz-530000",
                              Budget("lot-1"));
    UnitResult r =
        WithinTime([&] { return ledger.AppendOne(ledger.PrepareParsed(env)); });
    REQUIRE(!r.ok());
    if (f == Fault::kError) {
      CHECK(r.errors.front().error.code == fl::Code::kUnavailable);
      CHECK(r.errors.front().error.reason == "storage_unavailable");
      CHECK(!ledger.StorageHealth().ok());
    } else {
      CHECK(r.errors.front().error.code == fl::Code::kInternal);
    }
    // Nothing of it is stored or visible.
    CHECK(ledger.TreeSize() == size);
    CHECK(ledger.LatestCheckpoint() == checkpoint);
    CHECK(fl::test::DumpDb(world.dir()) == db);
  }

  // The fault clears: the same event is appended (not a repeat), and the
  // store reports healthy again.
  fl_.fault = Fault::kNone;
  auto env = world.Envelope("b-1", "budget.appropriated", "cz-530000",
                            Budget("lot-1"));
  UnitResult ok =
      WithinTime([&] { return ledger.AppendOne(ledger.PrepareParsed(env)); });
  REQUIRE(ok.ok());
  CHECK(!ok.receipts.front().repeat);
  CHECK(ok.receipts.front().seq == size);
  CHECK(ledger.StorageHealth().ok());
}

TEST_CASE("concurrent appenders survive groups that fail or throw",
          "[ledger][fault]") {
  fl::test::World world;
  world.AddAgency("cz-530000", "finance", "530000");
  world.Close();
  FaultyLedger fl_(world.dir());
  Ledger& ledger = *fl_.ledger;
  std::uint64_t start = ledger.TreeSize();

  const int kThreads = 16, kEach = 12;
  std::vector<std::vector<Json>> envs(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kEach; ++i) {
      std::string id = "b-" + std::to_string(t) + "-" + std::to_string(i);
      envs[t].push_back(world.Envelope(id, "budget.appropriated", "cz-530000",
                                       Budget("lot-" + id)));
    }
  }

  auto run = [&](Fault f) {
    fl_.fault = f;
    fl_.every = 3;  // one group in three fails
    std::mutex mu;
    std::set<std::string> stored, refused;
    std::map<std::string, std::uint64_t> seq_of;
    std::vector<std::thread> threads;
    auto record = [&](const std::string& id, const UnitResult& r) {
      std::lock_guard lock(mu);
      if (r.ok()) {
        stored.insert(id);
        seq_of[id] = r.receipts.front().seq;
      } else {
        refused.insert(id);
        auto code = r.errors.front().error.code;
        CHECK((code == fl::Code::kUnavailable || code == fl::Code::kInternal));
      }
    };
    // Even threads wait in the queue (AppendOne); odd ones queue all their
    // events at once with AppendAsync, as the HTTP server does, so groups
    // mix both kinds and async writers lead, follow and fail. Every other
    // odd thread has its leaders launched on threads of their own, as the
    // server launches them on its append pool.
    std::mutex launched_mu;
    std::vector<std::thread> launched;
    const Ledger::Launch launch = [&](std::function<void()> lead) {
      std::lock_guard lock(launched_mu);
      launched.emplace_back(std::move(lead));
    };
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        if (t % 2 == 0) {
          for (const Json& env : envs[t]) {
            record(env["event"]["id"],
                   ledger.AppendOne(ledger.PrepareParsed(env)));
          }
          return;
        }
        std::vector<std::future<UnitResult>> answers;
        for (const Json& env : envs[t]) {
          auto answer = std::make_shared<std::promise<UnitResult>>();
          answers.push_back(answer->get_future());
          std::vector<std::vector<fl::PreparedEvent>> units(1);
          units[0].push_back(ledger.PrepareParsed(env));
          ledger.AppendAsync(
              std::move(units), false,
              [answer](std::vector<UnitResult> r) {
                answer->set_value(std::move(r.front()));
              },
              t % 4 == 3 ? launch : nullptr);
        }
        for (std::size_t i = 0; i < answers.size(); ++i) {
          record(envs[t][i]["event"]["id"], answers[i].get());
        }
      });
    }
    // Every thread returns: no caller hangs in a failed group's queue.
    WithinTime([&] {
      for (auto& th : threads) th.join();
      std::lock_guard lock(launched_mu);  // every answer is in: none launches
      for (auto& th : launched) th.join();
      return 0;
    });
    return std::make_tuple(stored, refused, seq_of);
  };

  for (Fault f : {Fault::kError, Fault::kThrow}) {
    fl_.writes = 0;
    auto before = ledger.TreeSize();
    auto [stored, refused, seq_of] = run(f);
    // Exactly the acknowledged events were stored, each where its receipt
    // says; some groups did fail.
    CHECK(!refused.empty());
    CHECK(ledger.TreeSize() == before + stored.size());
    for (const auto& [id, seq] : seq_of) {
      auto text = ledger.EntryAt(seq);
      REQUIRE(text.ok());
      CHECK(text->find("\"id\":\"" + id + "\"") != std::string::npos);
    }
    // Appending everything again with no fault: the stored ones are exact
    // repeats, the refused ones are new; nothing is missing or doubled.
    fl_.fault = Fault::kNone;
    std::size_t repeats = 0, fresh = 0;
    for (auto& list : envs) {
      for (const Json& env : list) {
        UnitResult r = WithinTime(
            [&] { return ledger.AppendOne(ledger.PrepareParsed(env)); });
        REQUIRE(r.ok());
        (r.receipts.front().repeat ? repeats : fresh) += 1;
        std::string id = env["event"]["id"];
        if (stored.count(id)) CHECK(r.receipts.front().repeat);
      }
    }
    CHECK(fresh == refused.size());
    CHECK(ledger.TreeSize() == start + kThreads * kEach);
    // The second round's ids are new, so the next loop sees faults again.
    for (auto& list : envs) {
      for (Json& env : list) {
        std::string id = env["event"]["id"];
        env = world.Envelope(id + "x", "budget.appropriated", "cz-530000",
                             Budget("lot-" + id + "x"));
      }
    }
    start = ledger.TreeSize();
  }

  fl_.ledger.reset();  // close before the read-only verify
  fl::VerifyOptions vo;
  vo.signatures = true;
  auto report = fl::VerifyLedger(world.dir(), vo);
  REQUIRE(report.ok());
  CHECK(report->ok());
}
