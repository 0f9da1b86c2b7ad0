// fundledger: the command line (API.md). Exceptions end here as one line
// on stderr and a non-zero exit.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "api/cli_args.h"
#include "api/commands.h"

namespace {

struct Command {
  const char* name;
  int (*run)(const fl::cli::Argv&);
  const char* usage;
};

const Command kCommands[] = {
    {"init", fl::cli::Init,
     "init --data DIR --name NAME [--division CODE]   create a ledger"},
    {"keygen", fl::cli::Keygen,
     "keygen --out FILE                                new Ed25519 key (PKCS#8 PEM)"},
    {"sign", fl::cli::Sign,
     "sign --key FILE [--lines]                        sign an event (or JSONL) from stdin"},
    {"serve", fl::cli::Serve,
     "serve --data DIR [--listen 127.0.0.1:8080] [--tokens FILE] [--max-connections N]\n"
     "        [--threads N] [--workers N] [--agency-rate N] [--quiet]   HTTP API until SIGINT/SIGTERM"},
    {"token", fl::cli::Token,
     "token create --data DIR --role auditor|finance|agency --scope CODE [--agency ID]\n"
     "        [--tokens FILE]                          new read token (only its SHA-256 kept)"},
    {"append", fl::cli::Append,
     "append --url URL --key FILE FILE.jsonl           sign events and post them in batches"},
    {"import", fl::cli::Import,
     "import --data DIR FILE.jsonl                     append signed envelopes"},
    {"verify", fl::cli::Verify,
     "verify --data DIR [--signatures]                 re-check chain, tree, checkpoints"},
    {"export", fl::cli::Export,
     "export --data DIR --out DIR2                     audit bundle: entries.jsonl, checkpoint,\n"
     "        ledger.pub (DIR2 new or empty; works beside a running server)"},
    {"verify-bundle", fl::cli::VerifyBundle,
     "verify-bundle DIR2                               verify an export bundle offline (no database)"},
    {"replay", fl::cli::Replay,
     "replay --data DIR [--as-of DATE] [--until-seq N] [--scratch DIR] --out FILE\n"
     "        rebuild every projection from entry 0; balances and flags as JSON"},
    {"tiles", fl::cli::Tiles,
     "tiles --data DIR --out DIR2                      the log as C2SP tlog-tiles static files"},
    {"checkpoint", fl::cli::ShowCheckpoint,
     "checkpoint --data DIR                            print the newest signed checkpoint"},
    {"entry", fl::cli::ShowEntry,
     "entry --data DIR --seq N                         one stored entry with its leaf hash"},
    {"proof", fl::cli::Proof,
     "proof inclusion|consistency --data DIR [--seq I --tree-size N | --first M --second N]"},
    {"bench", fl::cli::Bench,
     "bench [--entries N] [--proof-entries N] [--dir DIR]  measure throughput"},
    {"bench-projections", fl::cli::BenchProjections,
     "bench-projections --data DIR [--queries N]   replay rate, flag query latency"},
    {"bench-http", fl::cli::BenchHttp,
     "bench-http [--dir DIR] [--events N] [--seconds S]  appends over HTTP on 127.0.0.1"},
};

void PrintHelp() {
  std::puts("usage: fundledger <command> [options]   (fundledger <command> --help)\n");
  std::puts("commands:");
  for (const auto& c : kCommands) std::printf("  %s\n", c.usage);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 ||
      std::strcmp(argv[1], "-h") == 0) {
    PrintHelp();
    return argc < 2 ? 2 : 0;
  }
  std::string name = argv[1];
  fl::cli::Argv rest(argv + 2, argv + argc);
  for (const auto& c : kCommands) {
    if (name != c.name) continue;
    try {
      for (const auto& a : rest) {
        if (a == "--help" || a == "-h") {
          std::printf("usage: fundledger %s\n", c.usage);
          return 0;
        }
      }
      return c.run(rest);
    } catch (const fl::cli::UsageError& e) {
      std::fprintf(stderr, "fundledger %s: %s (see --help)\n", c.name, e.what());
      return 2;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "fundledger %s: %s\n", c.name, e.what());
      return 1;
    }
  }
  std::fprintf(stderr, "fundledger: unknown command '%s' (see --help)\n",
               name.c_str());
  return 2;
}
