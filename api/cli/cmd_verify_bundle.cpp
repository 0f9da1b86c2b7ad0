// verify-bundle: checks an export bundle offline, with no database.
#include <cstdio>

#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "crypto/encoding.h"
#include "ledger/bundle.h"
#include "ledger/canonical_json.h"

namespace fl::cli {

int VerifyBundle(const Args& args) {
  if (args.positional().size() != 1) throw UsageError("one DIR expected");
  BundleReport r = Take(fl::VerifyBundle(args.positional()[0]));
  if (!r.ok()) {
    std::fprintf(stderr, "fundledger verify-bundle: FAILED at %s\n",
                 r.problem.c_str());
    return 1;
  }
  Json summary = {{"ok", true},
                  {"entries", r.summary.entries},
                  {"tree_size", r.summary.tree_size},
                  {"root", HexEncode(AsBytes(r.summary.root))}};
  std::puts(summary.dump().c_str());
  return 0;
}

}  // namespace fl::cli
