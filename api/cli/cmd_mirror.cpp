// `fundledger mirror --from URL --data DIR`: a read replica that follows a
// log through its tiles (mirror_follower.h), stores it in a mirror ledger
// and, with --listen, serves the read API over it under its own tokens
// (appends are refused: 403 read_only_mirror). Exit codes: 0 stopped (or
// caught up, with --once), 1 an error, 3 a fork is held in DIR/fork/.
#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <string>

#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "api/cli/log_line.h"
#include "api/cli/mirror_follower.h"
#include "api/cli/stop_signals.h"
#include "api/http/http_server.h"
#include "api/http/tokens.h"
#include "ledger/ledger.h"
#include "ledger/mirror_key.h"
#include "replay/projections.h"

namespace fl::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kExitFork = 3;

void Log(const Json& line) { WriteLogLine(line.dump()); }

std::unique_ptr<Ledger> OpenOrCreate(const std::string& dir,
                                     const std::string& pinned) {
  std::error_code ec;
  const bool fresh = !fs::exists(dir, ec) || fs::is_empty(dir, ec);
  if (fresh) {
    if (pinned.empty()) {
      throw UsageError(
          "a new mirror needs --verifier-key: the key of the log, obtained "
          "out of band (never from the log it checks)");
    }
    return Take(Ledger::CreateMirror(dir, pinned));
  }
  auto key = Take(ReadMirrorKey(dir));
  if (!key) throw std::runtime_error(dir + " is not a mirror directory");
  auto ledger = Take(Ledger::Open(dir));
  if (!pinned.empty() && pinned != ledger->Info().verifier_key) {
    throw std::runtime_error(
        "--verifier-key differs from the key " + dir +
        " was created with: " + ledger->Info().verifier_key);
  }
  return ledger;
}

double Seconds(timespec a, timespec b) {
  return static_cast<double>(b.tv_sec - a.tv_sec) +
         static_cast<double>(b.tv_nsec - a.tv_nsec) / 1e9;
}

}  // namespace

int Mirror(const Args& args) {
  const std::string dir = args.Required("data");
  const std::string from = args.Required("from");
  const bool once = args.Has("once");
  int interval_ms = 2000;
  if (args.Has("interval")) {
    std::string v = args.Required("interval");
    if (v.empty() || v.size() > 7 ||
        v.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(v) == 0) {
      throw UsageError("--interval must be a positive number of ms");
    }
    interval_ms = std::stoi(v);
  }
  if (once && args.Has("listen")) {
    throw UsageError("--once and --listen do not go together");
  }

  const sigset_t stop_signals = BlockStopSignals();
  RaiseFileLimit();

  auto ledger = OpenOrCreate(dir, args.Get("verifier-key", ""));
  auto source = Take(TileSource::Make(from, args.Get("token", "")));
  Follower follower(*ledger, dir, std::move(source), from);
  bool forked = fs::exists(fs::path(dir) / kForkDir);
  if (forked) {
    Log({{"event", "fork_held"},
         {"detail", "DIR/fork/ holds fork evidence: not following " + from +
                        " (move it away after investigating to follow "
                        "again)"}});
  }

  std::unique_ptr<replay::Projections> projections;
  std::unique_ptr<http::Server> server;
  if (args.Has("listen")) {
    http::ServerOptions options;
    options.listen = args.Required("listen");
    options.data_dir = dir;
    options.tokens_file = args.Get("tokens", DefaultTokensFile(dir));
    if (!args.Has("quiet")) {
      options.access_log = [](std::string_view line) { WriteLogLine(line); };
    }
    projections =
        Take(replay::Projections::Open(*ledger, dir + "/projections"));
    projections->Start();
    options.projections = projections.get();
    server = std::make_unique<http::Server>(*ledger, options);
    Check(server->Start());
    std::string host = options.listen.substr(0, options.listen.rfind(':'));
    Json ready = {{"listen", host + ":" + std::to_string(server->port())},
                  {"tree_size", ledger->TreeSize()},
                  {"mirror_of", ledger->Info().origin}};
    std::puts(ready.dump().c_str());
    std::fflush(stdout);
  } else if (forked) {
    return kExitFork;
  }

  int exit_code = 0;
  std::uint64_t last_progress = 0;
  follower.progress = [&](std::uint64_t size, std::uint64_t target) {
    if (size - last_progress >= 65536 || size == target) {
      last_progress = size;
      Log({{"event", "mirror_progress"},
           {"tree_size", size},
           {"checkpoint_size", target}});
    }
  };
  for (;;) {
    if (!forked) {
      timespec t0{}, t1{};
      clock_gettime(CLOCK_MONOTONIC, &t0);
      auto step = follower.Step();
      clock_gettime(CLOCK_MONOTONIC, &t1);
      if (!step.ok()) {
        const Error& e = step.error();
        Log({{"event", "mirror_error"},
             {"reason", e.reason},
             {"detail", e.detail},
             {"tree_size", ledger->TreeSize()}});
        if (once) {
          std::fprintf(stderr, "fundledger mirror: %s: %s\n", e.reason.c_str(),
                       e.detail.c_str());
          exit_code = 1;
          break;
        }
      } else if (step->fork) {
        forked = true;
        Log({{"event", "fork_detected"},
             {"detail", step->fork_reason},
             {"evidence", dir + "/" + kForkDir}});
        std::fprintf(stderr,
                     "fundledger mirror: FORK: %s; both checkpoints kept in "
                     "%s/%s; not following any more\n",
                     step->fork_reason.c_str(), dir.c_str(), kForkDir);
        if (!server) {
          exit_code = kExitFork;
          break;
        }
      } else {
        if (step->to > step->from) {
          double s = Seconds(t0, t1);
          Json line = {{"event", "mirror_copied"},
                       {"from", step->from},
                       {"to", step->to},
                       {"seconds", s}};
          if (s > 0) {
            line["entries_per_second"] =
                static_cast<std::uint64_t>((step->to - step->from) / s);
          }
          Log(line);
        }
        if (once) {
          Json done = {{"tree_size", ledger->TreeSize()},
                       {"checkpoint", ledger->LatestCheckpoint()}};
          std::puts(done.dump().c_str());
          break;
        }
      }
    }
    timespec wait{interval_ms / 1000, (interval_ms % 1000) * 1000000L};
    int signal = sigtimedwait(&stop_signals, nullptr, &wait);
    if (signal > 0) {
      Log({{"event", "stopping"}, {"signal", signal}});
      break;
    }
  }
  if (server) server->Stop();
  if (projections) projections->Stop();
  projections.reset();
  std::uint64_t size = ledger->TreeSize();
  ledger.reset();
  Log({{"event", "stopped"}, {"tree_size", size}});
  if (forked) return kExitFork;
  return exit_code;
}

}  // namespace fl::cli
