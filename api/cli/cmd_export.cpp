// export: an audit bundle (entries.jsonl, checkpoint, ledger.pub) of the
// newest checkpoint, readable while a server holds the ledger.
#include <cstdio>

#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "crypto/encoding.h"
#include "ledger/bundle.h"
#include "ledger/canonical_json.h"

namespace fl::cli {

int Export(const Args& args) {
  if (!args.positional().empty()) throw UsageError("unexpected argument");
  std::string out = args.Required("out");
  BundleSummary s = Take(ExportBundle(args.Required("data"), out));
  Json summary = {{"out", out},
                  {"entries", s.entries},
                  {"tree_size", s.tree_size},
                  {"root", HexEncode(AsBytes(s.root))}};
  std::puts(summary.dump().c_str());
  return 0;
}

}  // namespace fl::cli
