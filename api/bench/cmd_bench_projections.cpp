// `fundledger bench-projections --data DIR`: the issue-4 figures on an
// existing ledger (e.g. the fixture province at --scale 21, ~1M entries):
// replay of every projection on one core, the live worker's catch-up, and
// flag query latency over HTTP on 127.0.0.1.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "api/bench/allocator_name.h"
#include "api/bench/bench_goals.h"
#include "api/bench/bench_world.h"
#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "api/cli/scratch_dir.h"
#include "api/client/http_client.h"
#include "api/http/http_server.h"
#include "api/http/tokens.h"
#include "crypto/encoding.h"
#include "crypto/key_file.h"
#include "ledger/envelope.h"
#include "replay/projections.h"

namespace fl::cli {
namespace {

// Step 3: how long appends run beside the flag reads, and a read's pause.
constexpr double kLiveSeconds = 10;
constexpr std::chrono::milliseconds kLiveReadEvery{40};

double PeakRssMiB() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

// A copy of the ledger in `dir` at `to` that appends may change: RocksDB's
// table files never change once written, so they are hard links (instant,
// no space); the rest (WAL, MANIFEST, keys) is copied.
void CopyLedger(const std::string& dir, const std::string& to) {
  namespace fs = std::filesystem;
  fs::create_directories(to);
  for (const auto& f : fs::recursive_directory_iterator(dir)) {
    fs::path rel = fs::relative(f.path(), dir);
    if (f.is_directory()) {
      fs::create_directories(fs::path(to) / rel);
    } else if (f.path().extension() == ".sst") {
      fs::create_hard_link(f.path(), fs::path(to) / rel);
    } else {
      fs::copy_file(f.path(), fs::path(to) / rel);
    }
  }
}

// "YYYY-MM-DD" `days` before `date`.
std::string DaysBefore(const std::string& date, int days) {
  using namespace std::chrono;
  year_month_day d{year{std::stoi(date.substr(0, 4))},
                   month{static_cast<unsigned>(std::stoi(date.substr(5, 2)))},
                   day{static_cast<unsigned>(std::stoi(date.substr(8, 2)))}};
  year_month_day e{sys_days{d} - std::chrono::days{days}};
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(e.year()),
                static_cast<unsigned>(e.month()),
                static_cast<unsigned>(e.day()));
  return out;
}

}  // namespace

int BenchProjections(const Args& args) {
  const std::string dir = args.Required("data");
  const std::size_t queries = std::stoul(args.Get("queries", "2000"));
  const std::size_t as_of_queries = std::stoul(args.Get("as-of-queries", "5"));
  const std::string json_path = args.Get("json", "");
  GoalSheet goals;
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
    std::printf("fundledger bench-projections: %s, %llu entries, %s\n",
                dir.c_str(),
                static_cast<unsigned long long>(ledger->TreeSize()),
                AllocatorName().c_str());
    // As `fundledger replay` does (a fresh State in memory), then again
    // committing every 64k entries to a fresh store (`--scratch`).
    // Measured before the replays, which then touch memory this one never
    // had. Its 384 MiB stay below a 1M replay's peak RSS (~600 MiB); for a
    // small ledger they are the peak.
    const double touch = MeasureFirstTouchMiBPerS();
    goals.Figure("first_touch_mib_per_s",
                 "machine: fresh memory first touched, one thread", touch,
                 "MiB/s");
    Report("machine: fresh memory first touched, one thread", touch, "MiB/s");
    double memory_whole = 0, memory_rss_kib = 0;  // the in-memory replay's
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
      if (!stored) {
        double rate = static_cast<double>(s.entries) / whole;
        goals.Goal("replay_per_s", "replay, whole call, one thread", rate, "/s",
                   ">= 250,000/s", std::nullopt, rate >= 250000);
        double rss_kib = PeakRssMiB() * 1024;
        goals.Goal("replay_peak_rss_kib", "  peak RSS", rss_kib, "KiB",
                   "< 1 GiB", std::nullopt, rss_kib < 1024.0 * 1024);
        memory_whole = whole;
        memory_rss_kib = rss_kib;
      }
    }
    // Any replay that builds a State of this size spends at least this
    // long in page faults here, whatever its code does with the memory.
    const double floor_s = memory_rss_kib / 1024 / touch;
    Report("replay in memory: its peak RSS first touched (a floor)", floor_s,
           "s", 2);
    Report("  share of the whole call", 100 * floor_s / memory_whole, "%");
    fs::remove_all(scratch + "/replay");
  }

  // 2. The live worker catching up from nothing, then reads over HTTP. On
  // a copy: step 3 appends, and `--data` must stay as it was.
  const std::string copy = scratch + "/ledger";
  CopyLedger(dir, copy);
  auto ledger = Take(Ledger::Open(copy));
  auto projections =
      Take(replay::Projections::Open(*ledger, scratch + "/projections"));
  auto t0 = Clock::now();
  Check(projections->CatchUp());
  double catchup = Seconds(t0);
  Report("live worker catch-up (4096-entry commits): entries/s",
         static_cast<double>(ledger->TreeSize()) / catchup, "/s");
  {
    const auto j = projections->judge_stats();
    Report("  flag judgements on the way (every 2 s and at the end)",
           static_cast<double>(j.judgements), "");
    // A catch-up with nothing to apply makes no judgement.
    if (j.judgements > 0)
      Report("  mean time of one", 1e3 * j.seconds / j.judgements, "ms", 1);
  }

  const std::string tokens = scratch + "/tokens.jsonl";
  const std::string token =
      Take(CreateToken(tokens, {"auditor", "000000", ""}));
  http::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = copy;
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
  // The log's newest date: every flag carries the as_of it was judged at
  // (the default). Later appends are dated on it, as a live log's are
  // today's: a backdated append would also drop the day history of flags
  // from its date on (day_history.h), which step 4 measures on its own.
  const std::string newest =
      first_page["flags"].empty()
          ? std::string("2025-12-31")
          : first_page["flags"][0]["as_of"].get<std::string>();
  const std::string today = newest + "T08:00:00Z";
  Report("flags at the default as_of", static_cast<double>(ids.size()), "");
  const char* prefectures[] = {"530100", "530300", "530900", "532500",
                               "533400"};
  std::vector<std::string> targets;
  for (int r = 1; r <= 18; ++r) {
    targets.push_back(std::string("/v1/flags?rule=R") + (r < 10 ? "0" : "") +
                      std::to_string(r));
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

  // 3. Flags while appends run at ~1,000/s: every read after an append
  // sees a new applied seq, so this is the cost of keeping flags current.
  PrivateKey admin = Take(ReadPrivateKeyFile(copy + "/admin.pem"));
  PrivateKey fin = PrivateKey::Generate();
  const std::string origin = ledger->Info().origin;
  auto must = [&](const Json& event, const PrivateKey& k) {
    auto r = ledger->AppendOne(
        ledger->PrepareParsed(SignEnvelope(event, k, origin)));
    if (!r.ok()) Throw(r.errors[0].error);
  };
  {
    must({{"id", "bench-reg"},
          {"type", "agency.registered"},
          {"agency", "admin"},
          {"occurred_at", today},
          {"data",
           {{"agency", "bench-fin"},
            {"name", "bench finance"},
            {"kind", "finance"},
            {"division_code", "530000"},
            {"public_key", Base64Encode(AsBytes(fin.public_key()))}}}},
         admin);
    projections->Start();  // the worker tails the appends, as in serve
    std::atomic<bool> appending{true};
    std::atomic<std::uint64_t> appended{0};
    // Ten events every 10 ms, one group commit each: ~1,000 appends/s
    // without needing 1,000 synced writes/s from the disk.
    std::jthread appender([&] {
      auto next = Clock::now();
      for (int i = 0; appending;) {
        std::vector<std::vector<PreparedEvent>> units;
        for (int k = 0; k < 10; ++k, ++i) {
          const std::string n = std::to_string(i);
          Json event = BudgetEvent("bench-fin", "bench-" + n);
          event["occurred_at"] = today;
          units.emplace_back().push_back(
              ledger->PrepareParsed(SignEnvelope(event, fin, origin)));
        }
        for (const auto& r : ledger->Append(std::move(units))) {
          if (!r.ok()) Throw(r.errors[0].error);
        }
        appended += 10;
        next += std::chrono::milliseconds(10);
        std::this_thread::sleep_until(next);
      }
    });
    // Reads spread over a sustained phase: at 1M entries a judgement of
    // every rule takes tens of ms (~300 ms before R16 had its own group)
    // and the worker rests between judgements, so a phase shorter than a
    // few of them (40 reads back to back were ~20 ms) would not see what
    // keeping flags current costs.
    std::vector<double> live_ms, stale;
    std::uint64_t max_behind = 0;
    const auto judged0 = projections->judge_stats();
    const auto live0 = Clock::now();
    for (int i = 0; Seconds(live0) < kLiveSeconds; ++i) {
      live_ms.push_back(get(i % 2 ? "/v1/flags?limit=100"
                                  : "/v1/flags?severity=critical&limit=100")
                            .first);
      // How far behind the log the flags just served may be: entries
      // appended since the newest judgement.
      const std::uint64_t size = ledger->TreeSize();
      stale.push_back(static_cast<double>(
          size - std::min(size, projections->judge_stats().judged_seq)));
      auto st = projections->Statuses().front();
      max_behind = std::max(max_behind, st.tree_size - st.applied);
      std::this_thread::sleep_for(kLiveReadEvery);
    }
    appending = false;
    appender.join();
    const double live_s = Seconds(live0);
    double rate = static_cast<double>(appended) / live_s;
    Report("appends/s during the flag reads (aimed at 1,000)", rate, "/s");
    Report("  projection worker behind the log, at most",
           static_cast<double>(max_behind), "entries");
    // What keeping the flags current costs the machine: the worker's
    // judgements of every rule, as a share of one core over the phase.
    const auto judged = projections->judge_stats();
    const double judge_share =
        100.0 * (judged.seconds - judged0.seconds) / live_s;
    Report("  flag judgements by the worker",
           static_cast<double>(judged.judgements - judged0.judgements), "");
    Report("  their share of one core", judge_share, "%");
    Report("  flags served behind the log, p50", Percentile(stale, 0.50),
           "entries");
    Report("    p99", Percentile(stale, 0.99), "entries");
    goals.Figure("flags_judge_core_pct",
                 "flag judgements while appending, share of one core",
                 judge_share, "%");
    double p99 = Percentile(live_ms, 0.99);
    Report(("flags queries while appending, " + std::to_string(live_ms.size()) +
            " reads, p50")
               .c_str(),
           Percentile(live_ms, 0.50), "ms", 2);
    Report("  p99", p99, "ms", 2);
    goals.Goal("flags_after_append_p99_ms", "first GET /v1/flags after appends",
               p99, "ms", "p99 < 10 ms at 1k appends/s", std::nullopt,
               p99 < 10);
  }

  // 4. Historic as_of reads: dates before the newest in the log.
  if (as_of_queries > 0) {
    std::vector<double> hist_ms, page_ms, balance_ms, caps_ms;
    for (std::size_t i = 0; i < as_of_queries; ++i) {
      const std::string as_of =
          DaysBefore(newest, 30 * static_cast<int>(i + 1));
      auto [ms, body] = get("/v1/flags?limit=10&as_of=" + as_of);
      hist_ms.push_back(ms);
      // Every account's balances that day, as the finance office reads
      // them at a month's or a year's end.
      balance_ms.push_back(get("/v1/balances?as_of=" + as_of).first);
      caps_ms.push_back(get("/v1/reports/caps?as_of=" + as_of).first);
      // The first of them opened, as the console does from the list.
      const Json listed = Json::parse(body);
      if (!listed["flags"].empty()) {
        page_ms.push_back(get("/v1/flags/" +
                              listed["flags"][0]["flag_id"].get<std::string>() +
                              "?as_of=" + as_of)
                              .first);
      }
    }
    double p99 = Percentile(hist_ms, 0.99);
    Report(("historic as_of flag reads, " + std::to_string(hist_ms.size()) +
            " dates, p50")
               .c_str(),
           Percentile(hist_ms, 0.50), "ms", 1);
    Report("  p99", p99, "ms", 1);
    goals.Goal("historic_as_of_p99_ms", "historic as_of read", p99, "ms",
               "p99 < 200 ms", std::nullopt, p99 < 200);
    if (!page_ms.empty()) {
      const double page_p99 = Percentile(page_ms, 0.99);
      Report(("  one flag's page at those dates, " +
              std::to_string(page_ms.size()) + " reads, p99")
                 .c_str(),
             page_p99, "ms", 1);
      goals.Figure("historic_flag_page_p99_ms",
                   "historic as_of: one flag's page, p99", page_p99, "ms");
    }
    const double balance_p99 = Percentile(balance_ms, 0.99);
    Report(("  every account's balances at those dates, " +
            std::to_string(balance_ms.size()) + " reads, p99")
               .c_str(),
           balance_p99, "ms", 1);
    goals.Figure("historic_balances_p99_ms",
                 "historic as_of: every account's balances, p99", balance_p99,
                 "ms");
    const double caps_p99 = Percentile(caps_ms, 0.99);
    Report(("  the whole cap report at those dates, " +
            std::to_string(caps_ms.size()) + " reads, p99")
               .c_str(),
           caps_p99, "ms", 1);
    goals.Figure("historic_caps_p99_ms",
                 "historic as_of: the whole cap report, p99", caps_p99, "ms");
    {
      const auto h = projections->historic_stats();
      Report("  answered from the day history (reads, not folds)",
             static_cast<double>(h.history_reads), "");
      Report("  folds", static_cast<double>(h.folds), "");
      Report("  days the history holds", static_cast<double>(h.history_days),
             "");
      Report("  distinct flags they share",
             static_cast<double>(h.history_flags), "");
      Report("  balance reads from the balance history",
             static_cast<double>(h.balance_reads), "");
      Report("  distinct balance rows its days share",
             static_cast<double>(h.balance_rows), "");
      Report("  cap report reads from the cap history",
             static_cast<double>(h.cap_reads), "");
      Report("  distinct cap rows its days share",
             static_cast<double>(h.cap_rows), "");
    }

    // The same dates again after appends dated at the newest date (a live
    // log's appends are today's): the states are kept, not folded again.
    // The three newest-read dates: the cache holds four states.
    for (int i = 0; i < 10; ++i) {
      Json event = BudgetEvent("bench-fin", "bench-late-" + std::to_string(i));
      event["occurred_at"] = newest + "T08:00:00Z";
      must(event, fin);
    }
    const std::string last = std::to_string(ledger->TreeSize() - 1);
    get("/v1/flags?limit=1&min_seq=" + last);  // applied before the reads
    std::vector<double> again_ms;
    const auto folds0 = projections->historic_stats().folds;
    for (std::size_t i = as_of_queries; i > 0 && i + 3 > as_of_queries; --i) {
      again_ms.push_back(get("/v1/flags?limit=10&as_of=" +
                             DaysBefore(newest, 30 * static_cast<int>(i)))
                             .first);
    }
    const double again_p99 = Percentile(again_ms, 0.99);
    Report("  the newest three again, after 10 later-dated appends, p99",
           again_p99, "ms", 2);
    Report("  folded again",
           static_cast<double>(projections->historic_stats().folds - folds0),
           "");
    goals.Figure("historic_as_of_after_append_p99_ms",
                 "historic as_of read again after later-dated appends",
                 again_p99, "ms");

    // Reads at the current date while four cold historic reads (a fold
    // each: lot lists have no day history) run at once: the historic reads
    // have their own lane.
    std::atomic<int> folding{4};
    std::atomic<int> refused{0};
    std::vector<std::jthread> historic;
    for (int i = 0; i < 4; ++i) {
      historic.emplace_back([&, i] {
        http::Client c("127.0.0.1", std::to_string(server.port()),
                       std::chrono::seconds(600));
        auto r = c.Get("/v1/lots?division_code=530100&as_of=" +
                           DaysBefore(newest, 200 + 30 * i),
                       token);
        if (r.status != 200) ++refused;
        --folding;
      });
    }
    std::vector<double> beside_ms;
    while (folding.load() > 0) {
      beside_ms.push_back(get(beside_ms.size() % 2
                                  ? "/v1/flags?limit=100"
                                  : "/v1/balances?division_code=530100")
                              .first);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    historic.clear();
    const double beside_p99 = Percentile(beside_ms, 0.99);
    Report(("flags and balances reads beside 4 historic folds, " +
            std::to_string(beside_ms.size()) + " reads, p50")
               .c_str(),
           Percentile(beside_ms, 0.50), "ms", 2);
    Report("  p99", beside_p99, "ms", 2);
    Report("  max", Percentile(beside_ms, 1.0), "ms", 2);
    Report("  historic reads refused", static_cast<double>(refused.load()), "");
    goals.Figure("reads_beside_historic_p99_ms",
                 "current-date reads beside 4 historic folds, p99", beside_p99,
                 "ms");

    // One append dated 10 days back drops the day history from that day
    // on: a flags read 5 days back folds the log again.
    Json back = BudgetEvent("bench-fin", "bench-back");
    back["occurred_at"] = DaysBefore(newest, 10) + "T08:00:00Z";
    must(back, fin);
    const std::string back_seq = std::to_string(ledger->TreeSize() - 1);
    get("/v1/flags?limit=1&min_seq=" + back_seq);
    const auto folds1 = projections->historic_stats().folds;
    const double fold_ms =
        get("/v1/flags?limit=10&as_of=" + DaysBefore(newest, 5)).first;
    Report("historic flag read after a backdated append (a fold)", fold_ms,
           "ms", 1);
    Report("  folds",
           static_cast<double>(projections->historic_stats().folds - folds1),
           "");
    goals.Figure("historic_as_of_fold_ms",
                 "historic flag read of a day the history dropped (a fold)",
                 fold_ms, "ms");
  }
  server.Stop();
  projections->Stop();
  projections.reset();
  ledger.reset();
  EmptyScratchDir(scratch);
  goals.Print();
  if (!json_path.empty()) goals.WriteJson(json_path);
  return 0;
}

}  // namespace fl::cli
