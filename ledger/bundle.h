// Audit bundles (API.md `export`, `verify-bundle`): a directory holding
// entries.jsonl (the stored entries, one per line, seq order), checkpoint
// (the signed note of exactly those entries) and ledger.pub (the verifier
// key string), enough to re-check the log with no database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "crypto/sha256.h"
#include "crypto/status.h"

namespace fl {

inline constexpr char kBundleEntries[] = "entries.jsonl";
inline constexpr char kBundleCheckpoint[] = "checkpoint";
inline constexpr char kBundlePublicKey[] = "ledger.pub";

struct BundleSummary {
  std::uint64_t entries = 0;
  std::uint64_t tree_size = 0;
  Hash root{};
  std::string origin;        // the checkpoint's (verify-bundle prints it)
  std::string verifier_key;  // the key the checkpoint was checked with
  bool pinned = false;       // that key was the caller's, not ledger.pub's
};

// Writes the bundle of the newest checkpoint of the ledger in `data_dir`
// into `out_dir`, which must not exist or be empty. Opens the store
// read-only, so a server may hold the ledger meanwhile. Files are synced.
Result<BundleSummary> ExportBundle(const std::string& data_dir,
                                   const std::string& out_dir);

struct BundleReport {
  BundleSummary summary;
  std::optional<std::uint64_t> bad_seq;  // set when an entry is bad
  std::string problem;                   // "seq N: ..." when bad
  bool ok() const { return !bad_seq; }
};

// Checks the bundle in `dir` (EntryChecker on every line with signatures,
// the RFC 6962 root and size against the checkpoint, the checkpoint's
// signature). With `pinned_verifier_key` (the key an auditor already
// trusts: from init, GET /v1/ledger or a published record) the checkpoint
// must verify with it and ledger.pub must be that key; a forged bundle with
// a new key and rewritten history fails. Without it, ledger.pub is used and
// the summary says `pinned = false` (API.md, amended 2026-12). The error
// result is for a missing or unreadable file, a bad key, a ledger.pub that
// is not the pinned key, or a checkpoint that does not verify; bad entries
// give a report with bad_seq set.
Result<BundleReport> VerifyBundle(const std::string& dir,
                                  const std::string& pinned_verifier_key = {});

}  // namespace fl
