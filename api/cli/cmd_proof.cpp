// Read-only views a verifier needs without the HTTP server: one entry, and
// inclusion / consistency proofs in the JSON shapes of LEDGER.md 4.
#include <cstdio>
#include <filesystem>
#include <optional>

#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "api/cli/witness_submitter.h"
#include "crypto/cosignature.h"
#include "crypto/encoding.h"
#include "ledger/ledger.h"
#include "ledger/proof_file.h"
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

// The checkpoint a proof file is made under: --checkpoint FILE, else the
// witnessed checkpoint `serve --witness` keeps when it covers the entry,
// else the newest (no cosignatures).
std::string CheckpointFor(const Args& args, const Ledger& ledger,
                          std::uint64_t seq) {
  if (args.Has("checkpoint"))
    return ReadFileOrThrow(args.Required("checkpoint"));
  std::string path = WitnessedCheckpointFile(args.Required("data"));
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::string note = ReadFileOrThrow(path);
    auto verifier = ParseVerifierKey(ledger.Info().verifier_key);
    if (verifier.ok()) {
      auto cp = OpenCheckpoint(note, *verifier);
      if (cp.ok() && cp->size > seq) return note;
    }
  }
  return ledger.LatestCheckpoint();
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
    throw UsageError("say 'inclusion', 'consistency' or 'file'");
  }
  LedgerOptions options;
  options.read_only = true;  // works beside a running server
  auto ledger = Take(Ledger::Open(args.Required("data"), options));
  const std::string& kind = args.positional()[0];
  Json out;
  if (kind == "inclusion") {
    std::uint64_t seq = Number(args, "seq");
    std::uint64_t size =
        args.Has("tree-size") ? Number(args, "tree-size") : ledger->TreeSize();
    out = {{"leaf_index", seq},
           {"tree_size", size},
           {"hashes", HexList(Take(ledger->InclusionProof(seq, size)))}};
  } else if (kind == "file") {
    // C2SP tlog-proof: printed as it is, not as JSON.
    const std::uint64_t seq = Number(args, "seq");
    ProofFile p = Take(MakeProofFileUnder(*ledger, seq, true,
                                          CheckpointFor(args, *ledger, seq)));
    std::fputs(FormatProofFile(p).c_str(), stdout);
    return 0;
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

int VerifyProof(const Args& args) {
  if (args.positional().size() != 1) throw UsageError("one FILE expected");
  const NoteVerifier verifier =
      Take(ParseVerifierKey(args.Required("verifier-key")));
  const ProofFile p =
      Take(ParseProofFile(ReadFileOrThrow(args.positional()[0])));
  std::optional<std::string> entry;
  if (args.Has("entry")) entry = ReadFileOrThrow(args.Required("entry"));
  std::vector<Cosigner> witnesses;
  if (args.Has("witness-key")) {
    witnesses = Take(ParseCosignerKeys(args.Required("witness-key")));
  }
  std::size_t quorum = witnesses.size();
  if (args.Has("quorum")) {
    std::uint64_t q = Number(args, "quorum");
    if (q == 0 || q > witnesses.size()) {
      throw UsageError("--quorum must be 1.." +
                       std::to_string(witnesses.size()) +
                       " (the number of --witness-key keys)");
    }
    quorum = static_cast<std::size_t>(q);
  }
  auto proven = VerifyProofFile(p, verifier, entry);
  // tlog-proof step 3: the witnesses' cosignatures, k of the n trusted.
  Status cosigned = Status::Ok();
  if (proven.ok() && quorum > 0) {
    cosigned = CheckQuorum(p.checkpoint, witnesses, quorum);
  }
  if (!proven.ok() || !cosigned.ok()) {
    const Error& e = proven.ok() ? cosigned.error() : proven.error();
    std::fprintf(stderr, "fundledger verify-proof: FAILED: %s\n",
                 e.detail.c_str());
    return 1;
  }
  std::printf("ok: entry %llu is in the log %s of size %llu signed by %s",
              static_cast<unsigned long long>(p.index),
              proven->checkpoint.origin.c_str(),
              static_cast<unsigned long long>(proven->checkpoint.size),
              args.Required("verifier-key").c_str());
  if (quorum > 0) {
    auto valid = VerifyCosignatures(p.checkpoint, witnesses);
    std::string names;
    for (const auto& v : *valid) names += (names.empty() ? "" : ", ") + v.name;
    std::printf(", cosigned by %zu of %zu witnesses (quorum %zu: %s)",
                valid->size(), witnesses.size(), quorum, names.c_str());
  }
  std::printf("\n");
  return 0;
}

}  // namespace fl::cli
