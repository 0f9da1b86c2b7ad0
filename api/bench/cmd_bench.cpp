// `fundledger bench`: the figures of docs/PERFORMANCE.md, next to the
// machine's own limits measured in the same run.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

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

}  // namespace

int Bench(const Args& args) {
  std::string base = args.Get("dir", "bench-data");
  std::size_t appends = std::stoul(args.Get("appends", "20000"));
  std::size_t proof_entries = std::stoul(args.Get("proof-entries", "1000000"));
  std::string only = args.Get("only", "all");
  ClaimScratchDir(base, "dir", "bench");  // never someone else's
  std::printf("fundledger bench: %u hardware threads\n",
              std::thread::hardware_concurrency());

  double verify_rate = MeasureVerifyRate();
  Report("machine: Ed25519 verifies/s, one core", verify_rate, "/s");
  double sync_rate = MeasureSyncRate(base + "/sync");
  Report("machine: synced RocksDB writes/s, one thread", sync_rate, "/s");
  std::filesystem::remove_all(base + "/sync");

  if (only == "all" || only == "append") {
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
        AppendStats st = w.ledger->Stats();
        Report("  mean entries per group commit (one fsync each)",
               st.groups ? static_cast<double>(st.entries) / st.groups : 0,
               "entries");
        if (signed_path && producers == 64) {
          Report("  ratio to Ed25519 verifies/s x 2 cores (target >= 60%)",
                 100.0 * rate / (2 * verify_rate), "%");
        }
      }
    }
    std::filesystem::remove_all(base + "/append");
  }

  if (only == "all" || only == "proofs") {
    // Built by trusted appends in batches of 1000 to reach 1M quickly; the
    // tree and checkpoints are the same as with signed appends.
    BenchWorld w = MakeWorld(base + "/proofs", false);
    auto start = Clock::now();
    const std::size_t kBatch = 1000;
    std::size_t made = 0;
    while (w.ledger->TreeSize() < proof_entries) {
      std::size_t n = std::min(kBatch, proof_entries - w.ledger->TreeSize());
      std::vector<std::vector<PreparedEvent>> units(1);
      for (std::size_t i = 0; i < n; ++i) {
        std::string id = "m";  // piecewise: see MeasureSyncRate
        id += std::to_string(made++);
        units[0].push_back(w.ledger->Prepare(BudgetEnvelope(w, id)));
      }
      auto r = w.ledger->Append(std::move(units));
      if (!r[0].ok()) Throw(r[0].errors[0].error);
    }
    std::uint64_t size = w.ledger->TreeSize();
    Report("built ledger entries (batches of 1000, trusted)", size, "entries");
    Report("  build rate", size / Seconds(start), "/s");
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
    w.ledger.reset();

    for (bool sigs : {false, true}) {
      VerifyOptions vo;
      vo.signatures = sigs;
      auto t = Clock::now();
      auto report = Take(VerifyLedger(base + "/proofs", vo));
      double secs = Seconds(t);
      if (!report.ok()) throw std::runtime_error(report.problem);
      Report(sigs ? "verify --signatures entries/s (one core)"
                  : "verify entries/s (one core)",
             report.entries / secs, "/s");
    }
    Report("process peak RSS", RssKib(), "KiB");
  }
  return 0;
}

}  // namespace fl::cli
