// `fundledger bench`: the figures of docs/PERFORMANCE.md, next to the
// machine's own limits measured in the same run.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <thread>

#include "api/bench/allocator_name.h"
#include "api/bench/bench_goals.h"
#include "api/bench/bench_world.h"
#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "api/cli/scratch_dir.h"
#include "ledger/ledger.h"
#include "ledger/verifier.h"

namespace fl::cli {
namespace {

long RssKib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// Synced RocksDB writes per second from one thread: the group-commit
// ceiling (each group costs one of these).
double MeasureSyncRate(const std::string& dir) {
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(o, dir, &raw).ok()) return 0;
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  int n = 0;
  std::string value(600, 'v');
  auto start = Clock::now();
  while (Seconds(start) < 2.0) {
    rocksdb::WriteBatch b;
    // Built piecewise: GCC 12 -O3 warns (-Wrestrict) on "k" + string&&.
    std::string key = "k";
    key += std::to_string(n);
    b.Put(key, value);
    db->Write(wo, &b);
    ++n;
  }
  return n / Seconds(start);
}

// The group commits of a run: how many entries each fsync carried, and
// the leader's serial cost per entry beside the synced write's wall time.
void ReportGroupCommits(const AppendStats& st) {
  Report("  mean entries per group commit (one fsync each)",
         st.groups ? static_cast<double>(st.entries) / st.groups : 0,
         "entries");
  if (st.entries > 0 && st.groups > 0) {
    Report("  leader CPU per entry (checks, build, write, sync)",
           st.leader_cpu_ns / 1e3 / st.entries, "us", 2);
    Report("  synced write per group, wall", st.write_wall_ns / 1e3 / st.groups,
           "us", 1);
  }
}

// Bytes under `dir` (every file, RocksDB's included).
double DirBytes(const std::string& dir) {
  std::uintmax_t n = 0;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir)) {
    if (f.is_regular_file()) n += f.file_size();
  }
  return static_cast<double>(n);
}

}  // namespace

int Bench(const Args& args) {
  std::string base = args.Get("dir", "bench-data");
  std::size_t appends = std::stoul(args.Get("appends", "20000"));
  std::size_t proof_entries = std::stoul(args.Get("proof-entries", "1000000"));
  std::string only = args.Get("only", "all");
  const std::string json_path = args.Get("json", "");
  ClaimScratchDir(base, "dir", "bench");  // never someone else's
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("fundledger bench: %u hardware threads, %s\n", cores,
              AllocatorName().c_str());
  GoalSheet goals;

  VerifyLimit verify_limit{MeasureVerifyRate()};
  const double verify_rate = verify_limit.start;  // the per-event budget
  Report("machine: Ed25519 verifies/s, one core", verify_rate, "/s");
  // Goals stated as a share of verifies/s x cores, judged at the end.
  std::optional<double> signed64_rate, verify_signatures_rate;
  double sync_rate = MeasureSyncRate(base + "/sync");
  Report("machine: synced RocksDB writes/s, one thread", sync_rate, "/s");
  std::filesystem::remove_all(base + "/sync");
  goals.Figure("synced_writes_per_s", "synced RocksDB writes/s, one thread",
               sync_rate, "/s");

  if (only == "all" || only == "append") {
    // Per-event CPU budget on one thread, before any concurrency: what
    // Prepare costs without and with the signature check (the rest of an
    // append is the leader's serial work, measured by the trusted batches).
    for (bool signed_path : {false, true}) {
      BenchWorld w = MakeWorld(base + "/budget", signed_path);
      auto envs = PreSign(w, "budget", 20000);
      const double cpu0 = ThreadCpuSeconds();
      for (const std::string& env : envs) {
        if (w.ledger->Prepare(env).error) {
          throw std::runtime_error("bench envelope refused by Prepare");
        }
      }
      const double us = (ThreadCpuSeconds() - cpu0) / envs.size() * 1e6;
      Report(signed_path ? "CPU per event: Prepare with signature check"
                         : "CPU per event: Prepare (parse, schema, JCS, hash)",
             us, "us", 2);
      goals.Figure(signed_path ? "prepare_signed_us" : "prepare_us",
                   signed_path ? "Prepare with signature, CPU per event"
                               : "Prepare without signature, CPU per event",
                   us, "us");
      std::filesystem::remove_all(base + "/budget");
    }
    Report("CPU per event: Ed25519 verify alone", 1e6 / verify_rate, "us", 2);
    for (bool signed_path : {true, false}) {
      for (unsigned producers : {1u, 8u, 64u}) {
        BenchWorld w = MakeWorld(base + "/append", signed_path);
        std::size_t n =
            producers == 1 ? std::min<std::size_t>(appends, 2000) : appends;
        std::string prefix = "p";  // piecewise: see MeasureSyncRate
        prefix += std::to_string(producers);
        auto envs = PreSign(w, prefix, n);
        double rate = ProduceAppends(*w.ledger, envs, producers);
        std::string name = std::string(signed_path ? "signed" : "trusted") +
                           " durable appends/s, " + std::to_string(producers) +
                           " producers (" + std::to_string(n) + " events)";
        Report(name.c_str(), rate, "/s");
        ReportGroupCommits(w.ledger->Stats());
        if (signed_path && producers == 64) signed64_rate = rate;
      }
    }
    std::filesystem::remove_all(base + "/append");
  }

  if (only == "all" || only == "proofs") {
    // Built by trusted appends in batches of 1000, as `import` appends: the
    // envelopes are signed first (not timed), then `cores` threads each
    // prepare a batch and hand it to the group commit. The tree and
    // checkpoints are the same as with signed appends.
    BenchWorld w = MakeWorld(base + "/proofs", false);
    const std::size_t kBatch = 1000;
    const std::size_t to_build = proof_entries > w.ledger->TreeSize()
                                     ? proof_entries - w.ledger->TreeSize()
                                     : 0;
    double canonical_bytes = 0;
    std::clock_t cpu0 = std::clock();
    auto start = Clock::now();
    double signing_s = 0;
    for (std::size_t done = 0; done < to_build;) {
      // Sign a slice (untimed), then append it in batches of 1000.
      const std::size_t slice = std::min<std::size_t>(to_build - done, 100000);
      auto sign0 = Clock::now();
      std::string tag = "m";  // piecewise: see MeasureSyncRate
      tag += std::to_string(done);
      auto envs = PreSign(w, tag, slice);
      signing_s += Seconds(sign0);
      std::atomic<std::size_t> next{0};
      std::atomic<bool> failed{false};
      std::vector<std::jthread> pool;
      for (unsigned t = 0; t < cores; ++t) {
        pool.emplace_back([&] {
          for (std::size_t b; (b = next.fetch_add(kBatch)) < envs.size();) {
            std::vector<std::vector<PreparedEvent>> units(1);
            for (std::size_t i = b; i < std::min(envs.size(), b + kBatch); ++i)
              units[0].push_back(w.ledger->Prepare(envs[i]));
            auto r = w.ledger->Append(std::move(units));
            if (!r[0].ok()) failed = true;
          }
        });
      }
      pool.clear();
      if (failed) throw std::runtime_error("a batch was refused during bench");
      done += slice;
    }
    double build_s = Seconds(start) - signing_s;
    std::uint64_t size = w.ledger->TreeSize();
    Report("built ledger entries (batches of 1000, trusted)", size, "entries");
    if (to_build > 0) {
      double rate = to_build / build_s;
      Report("  trusted appends/s in batches of 1000 (signing not timed)", rate,
             "/s");
      ReportGroupCommits(w.ledger->Stats());
      Report("  process CPU use (200% = both cores; incl. signing)",
             100.0 * (std::clock() - cpu0) / CLOCKS_PER_SEC /
                 (build_s + signing_s),
             "%");
      goals.Goal("trusted_batch_1000_per_s", "trusted appends, batches of 1000",
                 rate, "/s", ">= 200,000/s", std::nullopt, rate >= 200000);
    }
    long rss_before = RssKib();
    std::mt19937_64 rng(1);
    std::vector<double> incl, cons;
    for (int i = 0; i < 20000; ++i) {
      std::uint64_t n = size - rng() % 1000;
      std::uint64_t idx = rng() % n;
      auto t = Clock::now();
      auto p = w.ledger->InclusionProof(idx, n);
      incl.push_back(Seconds(t) * 1e6);
      if (!p.ok()) Throw(p.error());
      std::uint64_t m = 1 + rng() % (n - 1);
      t = Clock::now();
      auto c = w.ledger->ConsistencyProof(m, n);
      cons.push_back(Seconds(t) * 1e6);
      if (!c.ok()) Throw(c.error());
    }
    Report("inclusion proof p50", Percentile(incl, 0.50), "us");
    Report("inclusion proof p99", Percentile(incl, 0.99), "us");
    Report("consistency proof p50", Percentile(cons, 0.50), "us");
    Report("consistency proof p99", Percentile(cons, 0.99), "us");
    Report("RSS growth over 40k proofs", RssKib() - rss_before, "KiB");
    auto all_entries = w.ledger->ForEachEntry(
        0, size, [&](std::uint64_t, std::string_view entry) {
          canonical_bytes += static_cast<double>(entry.size());
          return true;
        });
    Check(all_entries);
    w.ledger.reset();
    double disk = DirBytes(base + "/proofs");
    Report("disk bytes per canonical entry byte", disk / canonical_bytes, "",
           3);
    goals.Figure("disk_bytes_per_canonical_byte",
                 "disk bytes per canonical entry byte", disk / canonical_bytes,
                 "");

    for (bool sigs : {false, true}) {
      VerifyOptions vo;
      vo.signatures = sigs;
      auto t = Clock::now();
      auto report = Take(VerifyLedger(base + "/proofs", vo));
      double secs = Seconds(t);
      if (!report.ok()) throw std::runtime_error(report.problem);
      double rate = report.entries / secs;
      Report(sigs ? "verify --signatures entries/s"
                  : "verify entries/s (one core)",
             rate, "/s");
      if (sigs) {
        verify_signatures_rate = rate;
      } else {
        goals.Goal("verify_per_s", "verify, one core", rate, "/s",
                   ">= 1,000,000/s", std::nullopt, rate >= 1e6);
      }
    }
    Report("process peak RSS", RssKib(), "KiB");
  }
  FinishVerifyLimit(verify_limit, goals);
  const double limit = cores * verify_limit.best();
  if (signed64_rate) {
    const double pct = 100.0 * *signed64_rate / limit;
    goals.Goal("signed_appends_64_per_s",
               "in-process signed appends, 64 producers", *signed64_rate, "/s",
               ">= 70% of verifies/s x cores", pct, pct >= 70);
  }
  if (verify_signatures_rate) {
    const double pct = 100.0 * *verify_signatures_rate / limit;
    goals.Goal("verify_signatures_per_s", "verify --signatures",
               *verify_signatures_rate, "/s", ">= 80% of verifies/s x cores",
               pct, pct >= 80);
  }
  goals.Print();
  if (!json_path.empty()) goals.WriteJson(json_path);
  return 0;
}

}  // namespace fl::cli
