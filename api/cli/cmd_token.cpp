// token create: a read token for the HTTP API, printed once on stdout;
// only its SHA-256 is kept (DIR/tokens.jsonl, which `serve` re-reads).
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "api/http/tokens.h"

namespace fl::cli {

int Token(const Args& args) {
  if (args.positional().size() != 1 || args.positional()[0] != "create") {
    throw UsageError("say 'token create'");
  }
  std::string file;
  if (args.Has("tokens")) {
    file = args.Required("tokens");
  } else {
    std::string dir = args.Required("data");
    if (!std::filesystem::exists(dir + "/ledger.pem") &&
        !std::filesystem::exists(dir + "/mirror.vkey")) {
      throw std::runtime_error(dir + " is not a fundledger ledger");
    }
    file = DefaultTokensFile(dir);
  }
  TokenInfo info{args.Required("role"), args.Required("scope"),
                 args.Get("agency", "")};
  std::string token = Take(CreateToken(file, info));
  std::puts(token.c_str());
  return 0;
}

}  // namespace fl::cli
