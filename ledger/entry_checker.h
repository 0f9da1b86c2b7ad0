// The checks every entry of a log must pass on its own and against the
// entries before it, fed one at a time in seq order: `verify` reads them
// from RocksDB, `verify-bundle` from entries.jsonl.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "crypto/status.h"
#include "ledger/canonical_json.h"
#include "ledger/entry.h"

namespace fl {

// The costly part of one entry's signature check, which `verify` runs on
// the other cores (ledger/signature_pool.h): the Ed25519 arithmetic.
// Everything that depends on the entries before (seq, prev, which keys are
// valid) and the entry's canonical form (one pass, ledger/canonical_scan.h)
// stay in EntryChecker, in order.
struct DeferredCheck {
  std::uint64_t seq = 0;
  PublicKey key{};
  std::string message;  // SignedMessage(origin, event text)
  std::string sig;      // the decoded signature (a wrong length fails)
};
// Ok, or the error EntryChecker::Check would have returned inline.
Status RunDeferredCheck(const DeferredCheck& c);

// Error code of a `prev` that is not the hash of the entry before: the
// one fault that may lie in the entry before rather than this one.
inline constexpr std::string_view kPrevMismatch = "prev_mismatch";

class EntryChecker {
 public:
  // Always: the entry's shape, seq = 0, 1, 2, ... and its prev link (64
  // zeros for seq 0). With `signatures`, also: the entry is canonical JCS,
  // and its event's Ed25519 signature verifies with a key registered to
  // event.agency and not revoked at a lower seq, replaying the key events
  // (agency.registered, agency.key_added, agency.key_revoked) checked so
  // far; the genesis is signed by the key in its own data.public_key.
  // `origin` is the ledger's (the checkpoint's first line): signatures
  // bind it (LEDGER.md 2).
  EntryChecker(bool signatures, std::string origin)
      : signatures_(signatures), origin_(std::move(origin)) {}
  // With `defer`, signature checking hands each entry's canonical-form and
  // Ed25519 check to `defer` instead of doing it inline; Check then only
  // vouches for the rest, and the caller must run every DeferredCheck.
  EntryChecker(bool signatures, std::string origin,
               std::function<void(DeferredCheck)> defer)
      : signatures_(signatures),
        origin_(std::move(origin)),
        defer_(std::move(defer)) {}

  // The seq the next entry must carry: the number checked so far.
  std::uint64_t next_seq() const { return next_seq_; }

  // Checks entry next_seq(). On success returns its leaf hash and moves
  // on; on failure the error's detail says why (without the seq) and the
  // checker stays where it was.
  Result<Hash> Check(std::string_view entry);

 private:
  struct KeyState {
    std::string agency;
    PublicKey key{};
    std::uint64_t revoked_at = UINT64_MAX;
  };

  Status CheckSignature(std::string_view entry, const EntryView& view);

  bool signatures_;
  std::string origin_;
  std::function<void(DeferredCheck)> defer_;
  std::uint64_t next_seq_ = 0;
  Hash prev_{};
  std::map<std::string, KeyState, std::less<>> keys_;  // by key_id
};

}  // namespace fl
