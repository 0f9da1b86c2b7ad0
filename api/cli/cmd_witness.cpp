// witness: a C2SP tlog-witness with its own RocksDB. `--init --name NAME`
// creates DIR and the key and prints the cosigner vkey to give to the logs
// (serve --witness-key) and to verifiers (verify-proof --witness-key).
// Without --init it serves until SIGINT/SIGTERM.
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <mutex>

#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "api/cli/stop_signals.h"
#include "api/http/witness_server.h"
#include "crypto/signed_note.h"
#include "ledger/canonical_json.h"
#include "ledger/witness.h"

namespace fl::cli {
namespace {

std::vector<NoteVerifier> LogKeys(const std::string& list) {
  std::vector<NoteVerifier> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    out.push_back(Take(ParseVerifierKey(list.substr(start, comma - start))));
    start = comma + 1;
  }
  return out;
}

void WriteLine(std::string_view line) {
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
}

}  // namespace

int WitnessCmd(const Args& args) {
  const std::string dir = args.Required("data");
  if (args.Has("init")) {
    std::string vkey = Take(Witness::Init(dir, args.Required("name")));
    std::puts(Json{{"witness_key", vkey}}.dump().c_str());
    return 0;
  }
  if (args.Has("name")) throw UsageError("--name goes with --init");
  if (!args.Has("log-key")) {
    throw UsageError(
        "--log-key is required: the verifier keys of the logs "
        "this witness cosigns");
  }
  const sigset_t stop_signals = BlockStopSignals();

  auto witness = Take(Witness::Open(dir, LogKeys(args.Required("log-key"))));
  http::WitnessServerOptions options;
  options.listen = args.Get("listen", "127.0.0.1:7380");
  if (!args.Has("quiet")) options.access_log = WriteLine;
  int signal = 0;
  {
    http::WitnessServer server(*witness, options);
    Check(server.Start());
    std::string host = options.listen.substr(0, options.listen.rfind(':'));
    Json ready = {{"listen", host + ":" + std::to_string(server.port())},
                  {"witness_key", witness->VerifierKey()}};
    std::puts(ready.dump().c_str());
    std::fflush(stdout);
    sigwait(&stop_signals, &signal);
    server.Stop();
  }
  WriteLine(Json{{"event", "stopped"}, {"signal", signal}}.dump());
  return 0;
}

}  // namespace fl::cli
