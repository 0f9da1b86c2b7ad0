// Helpers shared by the two bench commands (see bench_world.h).
#include "api/bench/bench_world.h"

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "api/bench/bench_goals.h"
#include "api/cli/cli_util.h"
#include "crypto/encoding.h"
#include "crypto/key_file.h"
#include "ledger/envelope.h"

namespace fl::cli {

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

double ThreadCpuSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void Report(const char* name, double value, const char* unit, int decimals) {
  std::printf("%-58s %14.*f %s\n", name, decimals, value, unit);
  std::fflush(stdout);
}

double Percentile(std::vector<double>& v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

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

void FinishVerifyLimit(VerifyLimit& limit, GoalSheet& goals) {
  limit.end = MeasureVerifyRate();
  Report("machine: Ed25519 verifies/s, one core, at the end", limit.end, "/s");
  goals.Figure("ed25519_verify_per_s_core", "Ed25519 verifies/s, one core",
               limit.best(), "/s");
  goals.Figure("ed25519_verify_per_s_core_start", "  at the start", limit.start,
               "/s");
  goals.Figure("ed25519_verify_per_s_core_end", "  at the end", limit.end,
               "/s");
}

double MeasureFirstTouchMiBPerS() {
  constexpr std::size_t kBytes = std::size_t{128} << 20;
  constexpr std::size_t kPage = 4096;
  // Three maps held at once, so each is memory this process never had (an
  // unmapped region is handed back at once, already backed by the host,
  // and is touched up to 30x faster the second time in this VM).
  std::vector<void*> maps;
  std::vector<double> rates;
  for (int round = 0; round < 3; ++round) {
    void* map = mmap(nullptr, kBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) throw std::runtime_error("mmap failed");
    maps.push_back(map);
    // Base pages, as the release binary's allocator takes its memory
    // (jemalloc without thp, api/cli/allocator_options.cpp).
    madvise(map, kBytes, MADV_NOHUGEPAGE);
    auto* bytes = static_cast<volatile char*>(map);
    auto start = Clock::now();
    // One write per page: what is timed is the fault and the zeroing the
    // kernel does before it, not the writes.
    for (std::size_t at = 0; at < kBytes; at += kPage) bytes[at] = 1;
    rates.push_back(static_cast<double>(kBytes >> 20) / Seconds(start));
  }
  for (void* map : maps) munmap(map, kBytes);
  return Percentile(rates, 0.5);
}

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
  auto r = w.ledger->AppendOne(w.ledger->PrepareParsed(
      SignEnvelope(reg, admin, w.ledger->Info().origin)));
  if (!r.ok()) Throw(r.errors[0].error);
  return w;
}

Json BudgetEvent(const std::string& agency, const std::string& n) {
  return {{"id", "b-" + n},
          {"type", "budget.appropriated"},
          {"agency", agency},
          {"occurred_at", "2024-03-31T08:00:00Z"},
          {"data",
           {{"allocation_id", "lot-" + n},
            {"fiscal_year", 2024},
            {"fund", "lottery.provincial"},
            {"division_code", "530000"},
            {"program", "SWS.OPS"},
            {"amount_fen", 1000000},
            {"doc_no", "云财社〔2024〕" + n + "号"}}}};
}

std::string BudgetEnvelope(const BenchWorld& w, const std::string& n) {
  return SignEnvelope(BudgetEvent("cz-530000", n), w.finance,
                      w.ledger->Info().origin)
      .dump();
}

std::vector<std::string> PreSign(const BenchWorld& w, const std::string& tag,
                                 std::size_t count) {
  std::vector<std::string> out(count);
  std::vector<std::jthread> pool;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (std::size_t i = t; i < count; i += threads) {
        out[i] = BudgetEnvelope(w, tag + "-" + std::to_string(i));
      }
    });
  }
  pool.clear();
  return out;
}

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

}  // namespace fl::cli
