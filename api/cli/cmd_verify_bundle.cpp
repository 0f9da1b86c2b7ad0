// verify-bundle: checks an export bundle offline, with no database, against
// the verifier key the auditor already trusts (API.md, amended 2026-12).
#include <cstdio>

#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "crypto/encoding.h"
#include "ledger/bundle.h"
#include "ledger/canonical_json.h"

namespace fl::cli {

// Exit status when everything checks out but nothing pinned the key: the
// bundle only proves it agrees with itself.
constexpr int kExitNotPinned = 3;

int VerifyBundle(const Args& args) {
  if (args.positional().size() != 1) throw UsageError("one DIR expected");
  const std::string pinned = args.Get("verifier-key", "");
  BundleReport r = Take(fl::VerifyBundle(args.positional()[0], pinned));
  if (!r.ok()) {
    std::fprintf(stderr, "fundledger verify-bundle: FAILED at %s\n",
                 r.problem.c_str());
    return 1;
  }
  Json summary = {{"ok", true},
                  {"pinned", r.summary.pinned},
                  {"origin", r.summary.origin},
                  {"verifier_key", r.summary.verifier_key},
                  {"entries", r.summary.entries},
                  {"tree_size", r.summary.tree_size},
                  {"root", HexEncode(AsBytes(r.summary.root))}};
  std::puts(summary.dump().c_str());
  if (!r.summary.pinned) {
    std::fprintf(stderr,
                 "fundledger verify-bundle: NOT PINNED: the bundle agrees with "
                 "its own ledger.pub (%s, origin %s); pass --verifier-key "
                 "with the key you trust\n",
                 r.summary.verifier_key.c_str(), r.summary.origin.c_str());
    return kExitNotPinned;
  }
  return 0;
}

}  // namespace fl::cli
