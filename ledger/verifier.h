// `fundledger verify`: re-derives every leaf, link, tree node and
// checkpoint from the stored entries and names the first bad seq.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "crypto/status.h"

namespace fl {

struct VerifyOptions {
  bool signatures = false;  // also re-check canonical form and signatures
  // Called now and then with (entries checked, total).
  std::function<void(std::uint64_t, std::uint64_t)> progress;
};

struct VerifyReport {
  std::uint64_t entries = 0;
  std::uint64_t checkpoints = 0;
  std::uint64_t tree_nodes = 0;
  std::optional<std::uint64_t> bad_seq;  // set when verification failed
  std::string problem;                   // "seq N: ..." when bad
  bool ok() const { return !bad_seq && problem.empty(); }
};

// Opens DIR read-only; the error result is for I/O problems only, a bad
// ledger gives a report with bad_seq set.
Result<VerifyReport> VerifyLedger(const std::string& dir,
                                  const VerifyOptions& options);

}  // namespace fl
