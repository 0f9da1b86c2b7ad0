// The projection worker of a running ledger, and the reads it serves.
// One worker thread tails the log in seq order, applies entries to the
// State and commits the changed rows with the applied seq (see
// projection_store.h). Reads take a shared lock; flags are evaluated once
// per (applied seq, as_of) and cached. An as_of before the newest date in
// the log is answered from a historic state: a fold that ignores
// later-dated events, kept for later reads of that as_of while the
// entries appended since are all dated after it. The flags list at such
// an as_of, the balances and the cap report come first from the day
// histories the worker
// takes as its fold passes each day (day_history.h), when that day still
// holds.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "crypto/status.h"
#include "ledger/canonical_json.h"
#include "ledger/ledger.h"

namespace fl::replay {

struct FlagQuery {
  std::string rule, severity, division, status, cursor, scope;
  std::string as_of;  // "" = the default (RULES.md)
  std::size_t limit = 100;
};
struct BalanceQuery {
  std::string division, fund, program, scope, as_of;
  std::optional<int> fiscal_year;
};
// GET /v1/lots and /v1/contracts: filters, a page after `cursor` (an id).
struct ListQuery {
  std::string division, fund, program, cursor, scope, as_of;
  std::optional<int> fiscal_year;
  std::size_t limit = 100;
};
struct CapQuery {
  std::string division, scope, as_of;
  std::optional<int> fiscal_year;
};

struct ProjectionStatus {
  std::string name;
  std::uint64_t applied = 0;  // entries applied: seqs [0, applied)
  std::uint64_t tree_size = 0;
  // How long the oldest entry not yet applied has been in the log (as
  // first seen by the worker or a status read).
  double lag_seconds = 0;
  std::string error;  // set when the worker stopped on a fault
};

class Projections {
 public:
  // State lives in `dir` (normally LEDGER/projections).
  static Result<std::unique_ptr<Projections>> Open(const Ledger& ledger,
                                                   const std::string& dir);
  ~Projections();  // stops the worker
  Projections(const Projections&) = delete;
  Projections& operator=(const Projections&) = delete;

  void Start();  // the worker thread
  void Stop();
  // Applies everything in the log now, in the caller's thread.
  Status CatchUp();
  // min_seq (API.md): true once seq has been applied, false on timeout.
  bool WaitApplied(std::uint64_t seq, int timeout_ms) const;

  std::vector<ProjectionStatus> Statuses() const;
  Json StatusJson() const;

  // True when `as_of` is a valid date before the newest in the log. Such a
  // read is answered from a historic state, which may cost a fold of the
  // log (seconds at 1M entries), so the HTTP edge gives it its own lane.
  bool IsHistoric(const std::string& as_of) const;
  // True when `as_of` is a day the day histories hold (day_history.h): a
  // flags, balances or cap report read at it is answered from them in
  // milliseconds, not by a fold. (A backdated append may drop the day
  // before the read runs; the read then folds.)
  bool HistoryHolds(const std::string& as_of) const;
  // Historic states folded from the log (and the entries those folds
  // read), and reused after appends dated later than their as_of; blocks
  // whose earliest date is known; flag reads answered from the day
  // history (day_history.h), the days it holds and the distinct flags
  // they share; the same for balance and cap report reads and rows.
  struct HistoricStats {
    std::uint64_t folds = 0, folded_entries = 0, reuses = 0;
    std::size_t dated_blocks = 0;
    std::uint64_t history_reads = 0;
    std::size_t history_days = 0, history_flags = 0;
    std::uint64_t balance_reads = 0;
    std::size_t balance_days = 0, balance_rows = 0;
    std::uint64_t cap_reads = 0;
    std::size_t cap_days = 0, cap_rows = 0;
  };
  HistoricStats historic_stats() const;
  // The worker's judgements of the live flags: how many, the wall seconds
  // they took in all, and the applied seq the newest one judged.
  struct JudgeStats {
    std::uint64_t judgements = 0;
    double seconds = 0;
    std::uint64_t judged_seq = 0;
  };
  JudgeStats judge_stats() const;

  // API.md reads. Errors carry API.md reasons (invalid as_of, out of scope,
  // not_found id). Each read answers with the applied seq it saw.
  Result<Json> Flags(const FlagQuery& q) const;
  // One flag with its evidence entries and its review history
  // ("reviews": every flag.reviewed and exception.approved entry for it).
  Result<Json> FlagById(const std::string& flag_id, const std::string& scope,
                        const std::string& as_of) const;
  Result<Json> Balances(const BalanceQuery& q) const;
  Result<Json> LotById(const std::string& id, const std::string& scope) const;
  Result<Json> ContractById(const std::string& id,
                            const std::string& scope) const;
  Result<Json> Caps(const CapQuery& q) const;
  // Pages of lots / contracts sorted by id ({"lots"|"contracts",
  // "next_cursor", "as_of"}).
  Result<Json> Lots(const ListQuery& q) const;
  Result<Json> Contracts(const ListQuery& q) const;

  struct Impl;

 private:
  explicit Projections(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// `fundledger replay`: every projection rebuilt from entry 0 in a fresh
// State (in memory, or also committed to a new store at `scratch_dir`),
// then balances and flags at as_of as one JSON document {as_of,
// until_seq, balances, flags}, equal to what a live server answers for
// the same seq and as_of.
struct ReplayOptions {
  std::string as_of;                       // "" = the default
  std::optional<std::uint64_t> until_seq;  // inclusive
  std::string scratch_dir;                 // "" = in memory only
};
struct ReplaySummary {
  std::uint64_t entries = 0;
  double seconds = 0;
  std::size_t flags = 0;
  std::map<std::string, std::size_t> flags_by_rule;
};
Result<Json> ReplayLedger(const Ledger& ledger, const ReplayOptions& options,
                          ReplaySummary* summary);

}  // namespace fl::replay
