// `fundledger mirror`: follows a log through its C2SP tlog-tiles (GET
// /checkpoint, hash tiles, entry bundles) into a mirror ledger
// (Ledger::CreateMirror), checking everything before storing it, and
// catching a fork: two correctly signed checkpoints that cannot both be
// true of one log.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "crypto/status.h"
#include "ledger/ledger.h"

namespace fl::cli {

// Where tiles come from: an http:// URL (the origin's `serve`, or any web
// server holding `fundledger tiles` output) or a local directory of those
// files. Get returns the body of `path` ("checkpoint", "tile/0/000", ...),
// kNotFound for a missing one, kUnavailable for transport problems.
class TileSource {
 public:
  virtual ~TileSource() = default;
  virtual Result<std::string> Get(const std::string& path) = 0;
  static Result<std::unique_ptr<TileSource>> Make(const std::string& from,
                                                  const std::string& token);
};

// The evidence files of a fork, kept in DIR/fork/ (docs/transparency.md).
inline constexpr const char* kForkDir = "fork";

struct FollowResult {
  std::uint64_t from = 0, to = 0;  // tree sizes before and after
  bool fork = false;               // evidence written to DIR/fork/
  std::string fork_reason;
};

class Follower {
 public:
  Follower(Ledger& ledger, std::string dir, std::unique_ptr<TileSource> source,
           std::string source_name);
  // One round: fetch the checkpoint and copy up to it. An error (transport,
  // a refused tile or entry) stores nothing past the last good chunk and
  // may be retried; a fork is not an error but an outcome.
  Result<FollowResult> Step();
  // Called after each stored chunk with (tree size, checkpoint size).
  std::function<void(std::uint64_t, std::uint64_t)> progress;

 private:
  Result<FollowResult> Fork(const std::string& new_note,
                            const std::string& reason, FollowResult r);

  Ledger& ledger_;
  std::string dir_;
  std::unique_ptr<TileSource> source_;
  std::string source_name_;
};

}  // namespace fl::cli
