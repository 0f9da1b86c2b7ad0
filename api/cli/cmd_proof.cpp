// Read-only views a verifier needs without the HTTP server: one entry, and
// inclusion / consistency proofs in the JSON shapes of LEDGER.md 4.
#include <cstdio>

#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "crypto/encoding.h"
#include "ledger/ledger.h"
#include "ledger/proofs.h"

namespace fl::cli {
namespace {

Json HexList(const std::vector<Hash>& hashes) {
  Json out = Json::array();
  for (const auto& h : hashes) out.push_back(HexEncode(AsBytes(h)));
  return out;
}

std::uint64_t Number(const Args& args, const std::string& flag) {
  std::string v = args.Required(flag);
  if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos) {
    throw UsageError("--" + flag + " must be a non-negative integer");
  }
  return std::stoull(v);
}

}  // namespace

int ShowEntry(const Args& args) {
  auto ledger = Take(Ledger::Open(args.Required("data")));
  std::uint64_t seq = Number(args, "seq");
  std::string entry = Take(ledger->EntryAt(seq));
  Json out = {{"seq", seq},
              {"entry", Json::parse(entry)},
              {"leaf_hash", HexEncode(AsBytes(LeafHash(entry)))}};
  std::puts(out.dump().c_str());
  return 0;
}

int Proof(const Args& args) {
  if (args.positional().size() != 1) {
    throw UsageError("say 'inclusion' or 'consistency'");
  }
  auto ledger = Take(Ledger::Open(args.Required("data")));
  const std::string& kind = args.positional()[0];
  Json out;
  if (kind == "inclusion") {
    std::uint64_t seq = Number(args, "seq");
    std::uint64_t size =
        args.Has("tree-size") ? Number(args, "tree-size") : ledger->TreeSize();
    out = {{"leaf_index", seq},
           {"tree_size", size},
           {"hashes", HexList(Take(ledger->InclusionProof(seq, size)))}};
  } else if (kind == "consistency") {
    std::uint64_t first = Number(args, "first");
    std::uint64_t second =
        args.Has("second") ? Number(args, "second") : ledger->TreeSize();
    out = {{"first", first},
           {"second", second},
           {"hashes", HexList(Take(ledger->ConsistencyProof(first, second)))}};
  } else {
    throw UsageError("unknown proof kind " + kind);
  }
  std::puts(out.dump().c_str());
  return 0;
}

}  // namespace fl::cli
