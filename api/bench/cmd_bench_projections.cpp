// `fundledger bench-projections --data DIR`: the issue-4 figures on an
// existing ledger (e.g. the fixture province at --scale 21, ~1M entries):
// replay of every projection on one core, the live worker's catch-up, and
// flag query latency over HTTP on 127.0.0.1.
#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "api/bench/bench_world.h"
#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "api/cli/scratch_dir.h"
#include "api/client/http_client.h"
#include "api/http/http_server.h"
#include "api/http/tokens.h"
#include "replay/projections.h"

namespace fl::cli {
namespace {

double ThreadCpuSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double PeakRssMiB() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

}  // namespace

int BenchProjections(const Args& args) {
  const std::string dir = args.Required("data");
  const std::size_t queries = std::stoul(args.Get("queries", "2000"));
  namespace fs = std::filesystem;
  const std::string scratch = args.Get(
      "scratch", (fs::temp_directory_path() / "fl-bench-proj").string());
  // Wiped before and after, so it must be ours (api/cli/scratch_dir.h).
  ClaimScratchDir(scratch, "scratch", "bench-projections");
  EmptyScratchDir(scratch);
  std::signal(SIGPIPE, SIG_IGN);

  // 1. Replay from entry 0 into a fresh store, on this one thread.
  {
    LedgerOptions ro;
    ro.read_only = true;
    auto ledger = Take(Ledger::Open(dir, ro));
    std::printf("fundledger bench-projections: %s, %llu entries\n", dir.c_str(),
                static_cast<unsigned long long>(ledger->TreeSize()));
    // As `fundledger replay` does (a fresh State in memory), then again
    // committing every 64k entries to a fresh store (`--scratch`).
    for (bool stored : {false, true}) {
      replay::ReplayOptions o;
      if (stored) o.scratch_dir = scratch + "/replay";
      replay::ReplaySummary s;
      double cpu0 = ThreadCpuSeconds();
      auto t0 = Clock::now();
      Take(replay::ReplayLedger(*ledger, o, &s));  // result freed here too
      double whole = Seconds(t0);
      double cpu = ThreadCpuSeconds() - cpu0;
      const std::string tag =
          stored ? "replay into a new store: " : "replay in memory: ";
      Report((tag + "entries/s, fold + flags, wall (one thread)").c_str(),
             static_cast<double>(s.entries) / s.seconds, "/s");
      Report(
          (tag + "entries/s, whole call incl. balances and teardown").c_str(),
          static_cast<double>(s.entries) / whole, "/s");
      Report((tag + "entries/s per CPU-second of the whole call").c_str(),
             static_cast<double>(s.entries) / cpu, "/s");
      Report((tag + "wall seconds, fold + flags / whole call").c_str(),
             s.seconds, "s", 2);
      Report("  whole call", whole, "s", 2);
      Report((tag + "flags").c_str(), static_cast<double>(s.flags), "");
      Report("peak RSS so far", PeakRssMiB(), "MiB");
    }
    fs::remove_all(scratch + "/replay");
  }

  // 2. The live worker catching up from nothing, then reads over HTTP.
  auto ledger = Take(Ledger::Open(dir));
  auto projections =
      Take(replay::Projections::Open(*ledger, scratch + "/projections"));
  auto t0 = Clock::now();
  Check(projections->CatchUp());
  double catchup = Seconds(t0);
  Report("live worker catch-up (4096-entry commits): entries/s",
         static_cast<double>(ledger->TreeSize()) / catchup, "/s");

  const std::string tokens = scratch + "/tokens.jsonl";
  const std::string token =
      Take(CreateToken(tokens, {"auditor", "000000", ""}));
  http::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = dir;
  options.tokens_file = tokens;
  options.projections = projections.get();
  http::Server server(*ledger, options);
  Check(server.Start());
  http::Client client("127.0.0.1", std::to_string(server.port()));

  auto get = [&](const std::string& target) {
    auto t = Clock::now();
    auto r = client.Get(target, token);
    double ms = Seconds(t) * 1e3;
    if (r.status != 200)
      throw std::runtime_error(target + ": HTTP " + std::to_string(r.status));
    return std::make_pair(ms, r.body);
  };
  auto [cold_ms, first] = get("/v1/flags?limit=1000");
  Report("first flags query (evaluates every rule at as_of)", cold_ms, "ms", 2);
  std::vector<std::string> ids;
  const Json first_page = Json::parse(first);
  for (const auto& f : first_page["flags"]) ids.push_back(f["flag_id"]);
  Report("flags at the default as_of", static_cast<double>(ids.size()), "");
  const char* prefectures[] = {"530100", "530300", "530900", "532500",
                               "533400"};
  std::vector<std::string> targets;
  for (int r = 1; r <= 18; ++r) {
    char rule[8];
    std::snprintf(rule, sizeof rule, "R%02d", r);
    targets.push_back(std::string("/v1/flags?rule=") + rule);
  }
  for (const char* p : prefectures)
    targets.push_back(std::string("/v1/flags?division_code=") + p);
  targets.push_back("/v1/flags?severity=critical&limit=100");
  targets.push_back("/v1/flags?limit=100");
  for (std::size_t i = 0; i < ids.size() && i < 20; ++i) {
    targets.push_back("/v1/flags?limit=10&cursor=" + ids[i]);
    targets.push_back("/v1/flags/" + ids[i]);
  }
  std::vector<double> flag_ms;
  for (std::size_t i = 0; i < queries; ++i)
    flag_ms.push_back(get(targets[i % targets.size()]).first);
  Report(("flags queries: " + std::to_string(queries) + " over " +
          std::to_string(targets.size()) + " targets, p50")
             .c_str(),
         Percentile(flag_ms, 0.50), "ms", 3);
  Report("flags queries p99 (target < 10 ms)", Percentile(flag_ms, 0.99), "ms",
         3);
  Report("flags queries max", Percentile(flag_ms, 1.0), "ms", 3);
  std::vector<double> bal_ms;
  for (std::size_t i = 0; i < 200; ++i)
    bal_ms.push_back(
        get(std::string("/v1/balances?division_code=") + prefectures[i % 5])
            .first);
  Report("balances by prefecture p50", Percentile(bal_ms, 0.50), "ms", 2);
  Report("balances by prefecture p99", Percentile(bal_ms, 0.99), "ms", 2);
  Report("peak RSS", PeakRssMiB(), "MiB");
  server.Stop();
  projections->Stop();
  projections.reset();
  ledger.reset();
  EmptyScratchDir(scratch);
  return 0;
}

}  // namespace fl::cli
