// `fundledger bench`: the figures of docs/PERFORMANCE.md, next to the
// machine's own limits measured in the same run.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "api/cli_args.h"
#include "api/cli_util.h"
#include "api/commands.h"
#include "crypto/encoding.h"
#include "crypto/key_file.h"
#include "ledger/envelope.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"
#include "ledger/verifier.h"

namespace fl::cli {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

long RssKib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

void Report(const char* name, double value, const char* unit) {
  std::printf("%-58s %14.1f %s\n", name, value, unit);
  std::fflush(stdout);
}

// Ed25519 verifies per second on one core: the ceiling for signed appends.
double MeasureVerifyRate() {
  PrivateKey k = PrivateKey::Generate();
  std::string msg(400, 'x');
  Signature sig = k.Sign(msg);
  int n = 0;
  auto start = Clock::now();
  while (Seconds(start) < 2.0) {
    for (int i = 0; i < 100; ++i)
      n += Ed25519Verify(k.public_key(), msg, AsBytes(sig));
  }
  return n / Seconds(start);
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
    b.Put("k" + std::to_string(n), value);
    db->Write(wo, &b);
    ++n;
  }
  return n / Seconds(start);
}

struct BenchWorld {
  std::string dir;
  PrivateKey finance;
  std::unique_ptr<Ledger> ledger;
};

BenchWorld MakeWorld(const std::string& dir, bool check_signatures) {
  std::filesystem::remove_all(dir);
  InitOptions io;
  io.name = "bench";
  Take(Ledger::Init(dir, io));
  BenchWorld w{dir, PrivateKey::Generate(), nullptr};
  LedgerOptions lo;
  lo.check_signatures = check_signatures;
  w.ledger = Take(Ledger::Open(dir, lo));
  PrivateKey admin = Take(ReadPrivateKeyFile(dir + "/admin.pem"));
  Json reg = {
      {"id", "reg-fin"},
      {"type", "agency.registered"},
      {"agency", "admin"},
      {"occurred_at", "2024-01-02T08:00:00Z"},
      {"data",
       {{"agency", "cz-530000"},
        {"name", "Yunnan finance"},
        {"kind", "finance"},
        {"division_code", "530000"},
        {"public_key", Base64Encode(AsBytes(w.finance.public_key()))}}}};
  auto r =
      w.ledger->AppendOne(w.ledger->PrepareParsed(SignEnvelope(reg, admin)));
  if (!r.ok()) Throw(r.errors[0].error);
  return w;
}

std::string BudgetEnvelope(const PrivateKey& key, const std::string& n) {
  Json event = {{"id", "b-" + n},
                {"type", "budget.appropriated"},
                {"agency", "cz-530000"},
                {"occurred_at", "2024-03-31T08:00:00Z"},
                {"data",
                 {{"allocation_id", "lot-" + n},
                  {"fiscal_year", 2024},
                  {"fund", "lottery.provincial"},
                  {"division_code", "530000"},
                  {"program", "SWS.OPS"},
                  {"amount_fen", 1000000},
                  {"doc_no", "云财社〔2024〕" + n + "号"}}}};
  return SignEnvelope(event, key).dump();
}

std::vector<std::string> PreSign(const PrivateKey& key, const std::string& tag,
                                 std::size_t count) {
  std::vector<std::string> out(count);
  std::vector<std::jthread> pool;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (std::size_t i = t; i < count; i += threads) {
        out[i] = BudgetEnvelope(key, tag + "-" + std::to_string(i));
      }
    });
  }
  pool.clear();
  return out;
}

// Appends every envelope with `producers` threads, one event per append,
// as concurrent HTTP requests would. Returns appends per second.
double ProduceAppends(Ledger& ledger, const std::vector<std::string>& envs,
                      unsigned producers) {
  std::clock_t cpu0 = std::clock();
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  auto start = Clock::now();
  {
    std::vector<std::jthread> pool;
    for (unsigned p = 0; p < producers; ++p) {
      pool.emplace_back([&] {
        for (std::size_t i; (i = next.fetch_add(1)) < envs.size();) {
          if (!ledger.AppendOne(ledger.Prepare(envs[i])).ok()) failed = true;
        }
      });
    }
  }
  double secs = Seconds(start);
  Report("  process CPU use during the run (200% = both cores)",
         100.0 * (std::clock() - cpu0) / CLOCKS_PER_SEC / secs, "%");
  if (failed) throw std::runtime_error("an append was refused during bench");
  return envs.size() / secs;
}

double Percentile(std::vector<double>& v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

}  // namespace

int Bench(const Argv& argv) {
  Args args(argv, {"dir", "appends", "proof-entries", "only"}, {});
  std::string base = args.Get("dir", "bench-data");
  std::size_t appends = std::stoul(args.Get("appends", "20000"));
  std::size_t proof_entries = std::stoul(args.Get("proof-entries", "1000000"));
  std::string only = args.Get("only", "all");
  std::filesystem::create_directories(base);
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
        auto envs = PreSign(w.finance, "p" + std::to_string(producers), n);
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
        units[0].push_back(w.ledger->Prepare(
            BudgetEnvelope(w.finance, "m" + std::to_string(made++))));
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
