// serve: the HTTP API and the projection worker over one ledger until
// SIGINT or SIGTERM, then a graceful stop (in-flight appends finish, the
// worker stops, the store is closed) and exit 0.
#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "api/cli/log_line.h"
#include "api/cli/stop_signals.h"
#include "api/cli/witness_submitter.h"
#include "api/http/http_server.h"
#include "api/http/tokens.h"
#include "ledger/ledger.h"
#include "ledger/limits.h"
#include "replay/projections.h"

namespace fl::cli {
namespace {

int PositiveInt(const Args& args, const std::string& flag, int fallback) {
  std::string v = args.Get(flag, "");
  if (v.empty()) return fallback;
  if (v.size() > 7 || v.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(v) == 0) {
    throw UsageError("--" + flag + " must be a positive integer");
  }
  return std::stoi(v);
}

}  // namespace

int Serve(const Args& args) {
  std::string dir = args.Required("data");
  http::ServerOptions options;
  options.listen = args.Get("listen", "127.0.0.1:8080");
  options.data_dir = dir;
  options.tokens_file = args.Get("tokens", DefaultTokensFile(dir));
  options.max_connections =
      PositiveInt(args, "max-connections", limits::kMaxConnections);
  options.max_connections_per_address =
      PositiveInt(args, "max-conns-per-ip", limits::kMaxConnectionsPerAddress);
  options.read_threads = PositiveInt(args, "read-threads", 4);
  options.read_queue_depth =
      PositiveInt(args, "read-queue", limits::kMaxQueuedProjectionReads);
  options.io_threads = PositiveInt(args, "threads", 0);
  options.append_threads = PositiveInt(args, "workers", 4);
  options.agency_rate = PositiveInt(args, "agency-rate", 0);
  if (!args.Has("quiet")) options.access_log = WriteLogLine;
  std::optional<SubmitterOptions> witnessing = SubmitterOptionsFromArgs(args);
  // TLS (issue 9); Server::Start refuses plain HTTP on a non-loopback
  // address without --insecure-http (docs/spec-notes.md).
  options.tls_cert_file = args.Get("tls-cert", "");
  options.tls_key_file = args.Get("tls-key", "");
  options.insecure_http = args.Has("insecure-http");

  const sigset_t stop_signals = BlockStopSignals();
  RaiseFileLimit();

  auto ledger = Take(Ledger::Open(dir));
  // The worker tails the log into DIR/projections; reads use it.
  auto projections =
      Take(replay::Projections::Open(*ledger, dir + "/projections"));
  projections->Start();
  options.projections = projections.get();
  // Witnesses (issue 13): a background round per new checkpoint.
  std::unique_ptr<WitnessSubmitter> submitter;
  if (witnessing) {
    witnessing->data_dir = dir;
    witnessing->log = WriteLogLine;
    submitter = std::make_unique<WitnessSubmitter>(*ledger, *witnessing);
    options.witnessed = &submitter->witnessed();
  }
  int signal = 0;
  {
    http::Server server(*ledger, options);
    Check(server.Start());
    if (submitter) submitter->Start();
    std::string host = options.listen.substr(0, options.listen.rfind(':'));
    Json ready = {{"listen", host + ":" + std::to_string(server.port())},
                  {"tree_size", ledger->TreeSize()}};
    std::puts(ready.dump().c_str());
    std::fflush(stdout);
    sigwait(&stop_signals, &signal);
    WriteLogLine(Json{{"event", "stopping"}, {"signal", signal}}.dump());
    server.Stop();
  }
  submitter.reset();    // before the ledger it reads closes
  projections->Stop();  // before the ledger it reads closes
  projections.reset();
  std::uint64_t size = ledger->TreeSize();
  ledger.reset();  // closes RocksDB after every append has finished
  WriteLogLine(Json{{"event", "stopped"}, {"tree_size", size}}.dump());
  return 0;
}

}  // namespace fl::cli
