// The ledger: open or create one, append signed events with group commit,
// read entries, checkpoints and proofs. This is the one public header of
// ledger/ for the layers above (api/, replay/).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "crypto/status.h"
#include "ledger/canonical_json.h"
#include "ledger/tiles.h"

namespace fl {

// An envelope after the stateless checks (size, syntax, schema) and, when
// the key was already known, the signature arithmetic. Made in the caller's
// thread so verification runs in parallel; sequencing re-checks key state.
struct PreparedEvent {
  std::optional<Error> error;  // set when a stateless check refused it
  Json envelope;
  std::string id, type, agency, key_id;
  std::string canonical_event, canonical_signature;
  Hash envelope_hash{};  // SHA-256 of the canonical envelope: repeat check
  Signature sig{};
  enum class SigCheck {
    kNotChecked,
    kValid,
    kInvalid
  } sig_check = SigCheck::kNotChecked;
  PublicKey checked_with{};
};

struct Receipt {
  std::uint64_t seq = 0;
  std::string event_id;
  Hash leaf_hash{};
  std::string recorded_at;
  std::string checkpoint;
  bool repeat = false;  // an exact repeat answered with the first receipt
};

struct ItemError {
  std::size_t index = 0;
  Error error;
};

// One unit is all or nothing: either every item has a receipt, or errors
// lists every bad item and nothing of the unit was stored.
struct UnitResult {
  std::vector<Receipt> receipts;
  std::vector<ItemError> errors;
  bool ok() const { return errors.empty(); }
};

struct LedgerInfo {
  std::string name, origin, verifier_key, admin_agency;
  std::uint64_t tree_size = 0;
};

// Counters for /metrics: how well group commit groups.
struct AppendStats {
  std::uint64_t groups = 0;         // synced writes
  std::uint64_t entries = 0;        // entries appended
  std::uint64_t repeats = 0;        // exact repeats answered
  std::uint64_t refused_units = 0;  // units refused (nothing stored)
  // groups by entry count: <=1, <=2, <=4, ... <=2048, more.
  std::array<std::uint64_t, 13> group_size_buckets{};
  // Where a group's leader spends its time (the serial part of appending):
  // CPU of its thread in the whole commit, and wall time in the synced
  // write alone. For the bench's per-event budget.
  std::uint64_t leader_cpu_ns = 0;
  std::uint64_t write_wall_ns = 0;
  // The last group write failed and none has succeeded since.
  bool storage_failing = false;
};

struct InitOptions {
  std::string name;
  std::string division = "000000";
};

struct InitResult {
  LedgerInfo info;
  std::string admin_key_file, ledger_key_file;
};

struct LedgerOptions {
  // Benchmarks only: skip Ed25519 checks ("trusted import").
  bool check_signatures = true;
  // Opens the store read-only (replay, export next to a running server);
  // appends are refused.
  bool read_only = false;
  // Fault injection for tests; null otherwise. The group-commit leader
  // calls it just before the synced write of a group with the number of
  // entries in it (0: the StorageHealth probe): an error stands for the
  // write's own failure (a full disk), an exception for a bug anywhere in
  // the commit path.
  std::function<Status(std::uint64_t entries)> before_group_write;
};

class Ledger {
 public:
  // Creates DIR, the checkpoint key DIR/ledger.pem, the admin key
  // DIR/admin.pem (both 0600) and the genesis entry.
  static Result<InitResult> Init(const std::string& dir,
                                 const InitOptions& options);
  static Result<std::unique_ptr<Ledger>> Open(
      const std::string& dir, const LedgerOptions& options = {});
  // A mirror (`fundledger mirror`): DIR holds no private key, only the
  // pinned verifier key of the log it copies (DIR/mirror.vkey); its entries
  // come only through AppendMirrored and Append refuses every unit (403
  // read_only_mirror). The ledger name is the origin's after "fundledger/".
  static Result<std::unique_ptr<Ledger>> CreateMirror(
      const std::string& dir, const std::string& verifier_key);
  bool IsMirror() const;
  // Mirror only: stores `entries` (the origin's bytes, seq TreeSize(),
  // TreeSize()+1, ...) verbatim after every check an append makes (shape,
  // canonical form, seq, prev, the agency's signature over the v2 prefix
  // and origin, the validator's rows) in one synced write. `note` is the
  // origin's signed checkpoint this copy is heading for: when the entries
  // reach its size the recomputed root must equal its root, and it becomes
  // the newest checkpoint. Nothing is stored on any error, which names
  // the entry's seq.
  Status AppendMirrored(const std::vector<std::string>& entries,
                        const std::string& note);
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Stateless checks; thread-safe. The error (if any) is in result.error.
  PreparedEvent Prepare(std::string_view envelope_json) const;
  PreparedEvent PrepareParsed(Json envelope) const;

  // Appends units in order in one group commit with concurrent callers;
  // returns once the entries are synced. With stop_on_error, units after
  // the first refused one are not attempted (their result is empty).
  std::vector<UnitResult> Append(std::vector<std::vector<PreparedEvent>> units,
                                 bool stop_on_error = false);
  UnitResult AppendOne(PreparedEvent event);
  // Append without waiting: `done` receives the results once the group is
  // synced (or refused), exactly once. It runs on whichever thread
  // committed the group, possibly the caller's before AppendAsync returns,
  // and outside the ledger's locks; it must be quick, must not throw (a
  // throw is dropped: the entries stay stored) and must not append or wait
  // on an append. The HTTP server answers with it, so a request holds no
  // thread while its group syncs. The ledger must outlive every `done`.
  // When no group commit is running, one must start: on the caller's
  // thread, or, given `launch`, on whatever thread `launch` runs its task
  // (the server's I/O threads must not block in a sync; `launch` must run
  // the task, eventually, exactly once).
  using AppendDone = std::function<void(std::vector<UnitResult>)>;
  using Launch = std::function<void(std::function<void()>)>;
  void AppendAsync(std::vector<std::vector<PreparedEvent>> units,
                   bool stop_on_error, AppendDone done,
                   const Launch& launch = nullptr);

  LedgerInfo Info() const;
  AppendStats Stats() const;
  // Ok, or the storage_unavailable error of the last failed group write
  // while no write has succeeded since (/healthz). Tries one synced write
  // that stores no row (at most once a second), so that the answer clears
  // once the disk has room again even when no append comes.
  Status StorageHealth() const;
  std::uint64_t TreeSize() const;
  std::string LatestCheckpoint() const;
  Result<std::string> EntryAt(std::uint64_t seq) const;
  // Calls fn(seq, entry) for seq in [start, end) in order with one iterator;
  // fn returns false to stop early. Bytes are only valid during the call.
  // Ranges longer than kScanEntries are read as a scan (large readahead,
  // no block-cache fill), shorter ones through the block cache.
  static constexpr std::uint64_t kScanEntries = 4096;
  Status ForEachEntry(
      std::uint64_t start, std::uint64_t end,
      const std::function<bool(std::uint64_t, std::string_view)>& fn) const;
  // Blocks until the tree is larger than `size` or `timeout_ms` passed;
  // returns the tree size. Projection workers tail the log with it.
  std::uint64_t WaitForGrowth(std::uint64_t size, int timeout_ms) const;
  // The division entry `seq` belongs to, as the append checks decided it
  // (EVENTS.md "Which division an event belongs to"), for read scope.
  Result<std::string> EntryDivision(std::uint64_t seq) const;
  Result<Hash> RootAt(std::uint64_t size) const;
  Result<std::vector<Hash>> InclusionProof(std::uint64_t index,
                                           std::uint64_t size) const;
  // C2SP tlog-tiles over the stored tree as it stands: the bytes of a hash
  // tile or an entry bundle. A partial tile may be asked at any width the
  // tree has reached (clients proving against an older checkpoint); a tile
  // past the tree is 404-class kNotFound.
  Result<std::string> Tile(const TileRef& tile) const;
  Result<std::vector<Hash>> ConsistencyProof(std::uint64_t first,
                                             std::uint64_t second) const;

  struct Impl;  // defined in ledger.cpp: only Open can make one
  explicit Ledger(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace fl
