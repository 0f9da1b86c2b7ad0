#include <cstdio>

#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "api/cli/progress.h"
#include "ledger/canonical_json.h"
#include "ledger/verifier.h"

namespace fl::cli {

int Verify(const Args& args) {
  VerifyOptions options;
  options.signatures = args.Has("signatures");
  std::unique_ptr<Progress> progress;
  options.progress = [&](std::uint64_t done, std::uint64_t total) {
    if (!progress) progress = std::make_unique<Progress>("verify", total);
    progress->Update(done);
  };
  VerifyReport r = Take(VerifyLedger(args.Required("data"), options));
  if (!r.ok()) {
    std::fprintf(stderr, "fundledger verify: FAILED at %s\n",
                 r.problem.c_str());
    return 1;
  }
  Json out = {{"ok", true},
              {"entries", r.entries},
              {"checkpoints", r.checkpoints},
              {"tree_nodes", r.tree_nodes},
              {"signatures_checked", options.signatures}};
  std::puts(out.dump().c_str());
  return 0;
}

}  // namespace fl::cli
