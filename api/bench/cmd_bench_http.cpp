// `fundledger bench-http`: signed appends over real sockets on 127.0.0.1
// (docs/PERFORMANCE.md, issue 3), next to the in-process signed figure and
// the machine's Ed25519 limit measured in the same run. The server is the
// one `serve` runs, with serve's default options and its own threads; the
// load client is one keep-alive connection per thread, sending pre-signed
// envelopes (signing is not timed).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "api/bench/allocator_name.h"
#include "api/bench/bench_goals.h"
#include "api/bench/bench_world.h"
#include "api/bench/load_client.h"
#include "api/bench/loopback_limit.h"
#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "api/cli/scratch_dir.h"
#include "api/client/http_client.h"
#include "api/http/http_server.h"
#include "replay/projections.h"

namespace fl::cli {
namespace {

constexpr std::size_t kBatch = 100;  // events per POST /v1/events:batch
// Bytes of a single append's request head and of its whole answer (a
// receipt and the response head), as the loopback limit sizes them.
constexpr std::size_t kRequestHead = 160;
constexpr std::size_t kReceiptResponse = 400;

struct HttpRun {
  double rate = 0;  // signed appends per second
  double p50_ms = 0, p99_ms = 0;
  double max_lag_s = 0;  // projection worker behind the log, at most
  // The load client's own threads, and what is left per event for the
  // server (its I/O, append, commit and projection threads) out of the
  // process's CPU time.
  double client_cpu_pct = 0;  // 200% = both cores
  double server_cpu_us_per_event = 0;
};

// Request bodies for `batch` events each (1: the bare envelope).
std::vector<std::string> Bodies(std::vector<std::string> envs,
                                std::size_t batch) {
  if (batch == 1) return envs;
  std::vector<std::string> out;
  for (std::size_t i = 0; i < envs.size(); i += batch) {
    std::string body = "{\"events\":[";
    for (std::size_t j = i; j < std::min(envs.size(), i + batch); ++j) {
      if (j > i) body += ',';
      body += envs[j];
    }
    out.push_back(body + "]}");
  }
  return out;
}

// A fresh ledger served on 127.0.0.1:0; `conns` client threads post
// `events` pre-signed events until done or `limit_s` seconds have passed.
// The load client: the product's http::Client, or the bench's LoadClient
// (a send and a receive per request on a blocking socket).
enum class Load { kHttpClient, kLean };

HttpRun RunHttp(const std::string& dir, unsigned conns, std::size_t batch,
                std::size_t events, double limit_s, Load load) {
  BenchWorld w = MakeWorld(dir, /*check_signatures=*/true);
  std::string tag = std::to_string(conns) + "x" + std::to_string(batch);
  std::vector<std::string> bodies = Bodies(PreSign(w, tag, events), batch);
  http::ServerOptions options;  // serve's defaults, without the access log
  options.listen = "127.0.0.1:0";
  options.data_dir = dir;
  // Every client connects from 127.0.0.1: lift serve's per-address cap
  // (64) so the 256-connection run measures the server, not the cap.
  options.max_connections_per_address = 1024;
  // As serve does: the projection worker tails the log meanwhile; its lag
  // is sampled every 10 ms.
  auto projections =
      Take(replay::Projections::Open(*w.ledger, dir + "/projections"));
  projections->Start();
  options.projections = projections.get();
  std::atomic<bool> sampling{true};
  double max_lag_s = 0;
  std::uint64_t max_lag_entries = 0;
  std::jthread sampler([&] {
    while (sampling) {
      auto st = projections->Statuses().front();
      max_lag_s = std::max(max_lag_s, st.lag_seconds);
      max_lag_entries = std::max(max_lag_entries, st.tree_size - st.applied);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  http::Server server(*w.ledger, options);
  Check(server.Start());
  const std::string port = std::to_string(server.port());
  const std::string target = batch == 1 ? "/v1/events" : "/v1/events:batch";
  // The lean client sends requests rendered before the clock starts.
  std::vector<std::string> rendered;
  if (load == Load::kLean) {
    for (const auto& body : bodies) {
      rendered.push_back(LoadClient::Render(target, body));
    }
  }

  std::atomic<std::size_t> next{0}, appended{0};
  std::vector<std::vector<double>> latency(conns);
  std::vector<double> client_cpu_s(conns);
  std::mutex mu;
  std::string failure;
  std::clock_t cpu0 = std::clock();
  auto start = Clock::now();
  {
    std::vector<std::jthread> pool;
    for (unsigned c = 0; c < conns; ++c) {
      pool.emplace_back([&, c] {
        try {
          std::optional<http::Client> client;
          std::optional<LoadClient> lean;
          if (load == Load::kLean) {
            lean.emplace(server.port());
          } else {
            client.emplace("127.0.0.1", port);
          }
          for (std::size_t i; Seconds(start) < limit_s &&
                              (i = next.fetch_add(1)) < bodies.size();) {
            auto t = Clock::now();
            http::ClientResponse res;
            if (lean) {
              LoadClient::Response r = lean->Exchange(rendered[i]);
              res.status = r.status;
              res.body = std::move(r.body);
            } else {
              res = client->Post(target, bodies[i]);
            }
            latency[c].push_back(Seconds(t) * 1e3);
            if (res.status != 201) {
              throw std::runtime_error("HTTP " + std::to_string(res.status) +
                                       ": " + res.body);
            }
            appended += std::min(batch, events - i * batch);
          }
        } catch (const std::exception& e) {
          std::lock_guard lock(mu);
          if (failure.empty()) failure = e.what();
          next = bodies.size();  // stop the others
        }
        client_cpu_s[c] = ThreadCpuSeconds();  // a new thread: all client work
      });
    }
  }
  double secs = Seconds(start);
  const double cpu_s =
      static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
  const double cpu = 100.0 * cpu_s / secs;
  double client_s = 0;
  for (double s : client_cpu_s) client_s += s;
  auto drain0 = Clock::now();
  projections->WaitApplied(w.ledger->TreeSize() - 1, 30000);
  double drain_s = Seconds(drain0);
  sampling = false;
  sampler.join();
  server.Stop();
  projections->Stop();
  projections.reset();
  w.ledger.reset();
  std::filesystem::remove_all(dir);
  if (!failure.empty()) throw std::runtime_error("bench-http: " + failure);

  std::vector<double> all;
  for (auto& v : latency) all.insert(all.end(), v.begin(), v.end());
  HttpRun r{appended / secs, Percentile(all, 0.50), Percentile(all, 0.99)};
  r.client_cpu_pct = 100.0 * client_s / secs;
  r.server_cpu_us_per_event =
      1e6 * (cpu_s - client_s) /
      static_cast<double>(std::max<std::size_t>(1, appended));
  std::string name = std::string(batch == 1 ? "http single" : "http batch") +
                     " appends/s, " + std::to_string(conns) + " conns" +
                     (load == Load::kLean ? ", lean client (" : " (") +
                     std::to_string(appended.load()) + " events" +
                     (appended < events ? ", time cap" : "") + ")";
  Report(name.c_str(), r.rate, "/s");
  Report("  request latency p50", r.p50_ms, "ms", 2);
  Report("  request latency p99", r.p99_ms, "ms", 2);
  Report("  process CPU, client + server (200% = both cores)", cpu, "%");
  Report("  of which the load client's threads", r.client_cpu_pct, "%");
  Report("  server CPU per event (the rest / events)",
         r.server_cpu_us_per_event, "us", 2);
  Report("  projection lag max (target < 1 s)", max_lag_s, "s", 3);
  Report("  projection lag max, entries", static_cast<double>(max_lag_entries),
         "");
  Report("  projections caught up after the last append", drain_s, "s", 3);
  r.max_lag_s = max_lag_s;
  return r;
}

}  // namespace

int BenchHttp(const Args& args) {
  std::string base = args.Get("dir", "bench-data");
  std::size_t events = std::stoul(args.Get("events", "10000"));
  double limit_s = std::stod(args.Get("seconds", "60"));
  const std::string json_path = args.Get("json", "");
  if (events < kBatch) throw UsageError("--events must be at least 100");
  ClaimScratchDir(base, "dir", "bench-http");  // never someone else's
  std::signal(SIGPIPE, SIG_IGN);
  RaiseFileLimit();  // 256 client and 256 server sockets in one process
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("fundledger bench-http: %u hardware threads, 127.0.0.1, %s\n",
              cores, AllocatorName().c_str());

  VerifyLimit verify_limit{MeasureVerifyRate()};
  Report("machine: Ed25519 verifies/s, one core", verify_limit.start, "/s");

  BenchWorld w = MakeWorld(base + "/inproc", true);
  // Sized as a single append's exchange: the envelope plus the client's
  // request head, and a receipt with the server's response head.
  const LoopbackLimit loopback =
      MeasureLoopback(32, BudgetEnvelope(w, "size").size() + kRequestHead,
                      kReceiptResponse, 1.0);
  Report("machine: loopback round trips/s, 32 conns (raw sockets)",
         loopback.round_trips_per_s, "/s");
  Report("  CPU per round trip, both ends", loopback.cpu_us_per_round_trip,
         "us", 2);
  double inproc = ProduceAppends(*w.ledger, PreSign(w, "inproc", events), 32);
  Report(("in-process signed appends/s, 32 producers (" +
          std::to_string(events) + " events)")
             .c_str(),
         inproc, "/s");
  w.ledger.reset();
  std::filesystem::remove_all(base + "/inproc");

  HttpRun single32, batch32;
  for (std::size_t batch : {std::size_t{1}, kBatch}) {
    for (unsigned conns : {1u, 32u, 256u}) {
      // Enough requests for every connection to send several.
      std::size_t n =
          batch == 1
              ? (conns == 1 ? std::min<std::size_t>(events, 2000) : events)
              : std::max<std::size_t>(events, conns * 4 * kBatch);
      HttpRun r =
          RunHttp(base + "/http", conns, batch, n, limit_s, Load::kHttpClient);
      if (conns == 32) (batch == 1 ? single32 : batch32) = r;
    }
  }
  // The same 32-connection runs with the lean load client: the goals stay
  // on the runs above (their keys keep their meaning from run to run);
  // these show how far the server goes when its client costs less.
  const HttpRun lean_single =
      RunHttp(base + "/http", 32, 1, events, limit_s, Load::kLean);
  const HttpRun lean_batch =
      RunHttp(base + "/http", 32, kBatch, std::max<std::size_t>(events, 12800),
              limit_s, Load::kLean);

  GoalSheet goals;
  FinishVerifyLimit(verify_limit, goals);
  const double verify_rate = verify_limit.best();
  // No server can take less per single append than one round trip and one
  // signature check; as a share of the Ed25519 limit:
  const double single_ceiling_pct =
      100.0 / (1.0 + loopback.cpu_us_per_round_trip * 1e-6 * verify_rate);
  Report("ceiling for HTTP single: round trip + Ed25519, of verifies x cores",
         single_ceiling_pct, "%");
  std::printf("against the targets (issue 3):\n");
  Report("ratio http single 32 conns / in-process 32 (target >= 70%)",
         100.0 * single32.rate / inproc, "%");
  Report("ratio http batch 32 conns / in-process 32",
         100.0 * batch32.rate / inproc, "%");
  Report("http single 32 conns / Ed25519 verifies/s x cores",
         100.0 * single32.rate / (cores * verify_rate), "%");
  Report("p99 at 32 conns, single (target < 50 ms)", single32.p99_ms, "ms", 2);
  Report("p99 at 32 conns, batch of 100 (target < 50 ms)", batch32.p99_ms, "ms",
         2);
  std::printf("against the targets (issue 4):\n");
  Report("projection lag max, single 32 conns (target < 1 s)",
         single32.max_lag_s, "s", 3);
  Report("projection lag max, batch 32 conns (target < 1 s)", batch32.max_lag_s,
         "s", 3);

  goals.Figure("inproc_signed_32_per_s", "in-process signed appends, 32",
               inproc, "/s");
  goals.Figure("loopback_round_trips_32_per_s",
               "loopback round trips/s, 32 conns", loopback.round_trips_per_s,
               "/s");
  goals.Figure("loopback_cpu_us_per_round_trip", "  CPU per round trip",
               loopback.cpu_us_per_round_trip, "us");
  goals.Figure("http_single_ceiling_pct",
               "  ceiling for HTTP single (round trip + Ed25519)",
               single_ceiling_pct, "%");
  goals.Figure("http_single_32_client_cpu_pct", "HTTP single: client CPU",
               single32.client_cpu_pct, "%");
  goals.Figure("http_single_32_server_cpu_us", "HTTP single: server CPU/event",
               single32.server_cpu_us_per_event, "us");
  goals.Figure("http_batch_32_client_cpu_pct", "HTTP batches: client CPU",
               batch32.client_cpu_pct, "%");
  goals.Figure("http_batch_32_server_cpu_us", "HTTP batches: server CPU/event",
               batch32.server_cpu_us_per_event, "us");
  const auto lean_figures = [&](const char* key, const char* label,
                                const HttpRun& r) {
    const std::string k = key, l = label;
    goals.Figure(k + "_per_s", l, r.rate, "/s");
    goals.Figure(k + "_pct", l + ", of verifies/s x cores",
                 100.0 * r.rate / (cores * verify_rate), "%");
    goals.Figure(k + "_p99_ms", l + ", p99", r.p99_ms, "ms");
    goals.Figure(k + "_client_cpu_pct", l + ", client CPU", r.client_cpu_pct,
                 "%");
    goals.Figure(k + "_server_cpu_us", l + ", server CPU/event",
                 r.server_cpu_us_per_event, "us");
  };
  lean_figures("http_single_32_lean", "HTTP single, lean client", lean_single);
  lean_figures("http_batch_32_lean", "HTTP batches, lean client", lean_batch);
  const double limit = cores * verify_rate;
  double pct = 100.0 * single32.rate / limit;
  goals.Goal("http_single_32_per_s", "HTTP single appends, 32 connections",
             single32.rate, "/s", ">= 35% of verifies/s x cores", pct,
             pct >= 35);
  goals.Goal("http_single_32_p99_ms", "  p99", single32.p99_ms, "ms", "< 10 ms",
             std::nullopt, single32.p99_ms < 10);
  pct = 100.0 * batch32.rate / limit;
  goals.Goal("http_batch_32_per_s", "HTTP batches of 100, 32 connections",
             batch32.rate, "/s", ">= 60% of verifies/s x cores", pct,
             pct >= 60);
  goals.Goal("http_batch_32_p99_ms", "  p99", batch32.p99_ms, "ms", "< 100 ms",
             std::nullopt, batch32.p99_ms < 100);
  goals.Print();
  if (!json_path.empty()) goals.WriteJson(json_path);
  return 0;
}

}  // namespace fl::cli
