// Where a projection worker keeps its State: a RocksDB of its own
// (DIR/projections). The changed rows and the applied seq go in one
// WriteBatch, so after a crash the state matches its seq exactly: no
// entry is applied twice or skipped.
#pragma once

#include <memory>
#include <string>

#include "crypto/status.h"
#include "replay/day_history.h"
#include "replay/state.h"

namespace rocksdb {
class DB;
}

namespace fl::replay {

// For a State folded without a store (a replay in memory, a historic
// as_of): drops the record of changed rows that only Commit consumes, and
// records no more. The record grows with every row and index member
// (~16-40 bytes each; 1M entries added ~0.1 GB), and keeping it cost ~3%
// of a replay's time.
void StopRecordingChanges(State& s);

// The day histories (day_history.h) stored with a State; null ones are
// neither read nor written.
struct DayHistories {
  FlagHistory* flags = nullptr;
  BalanceHistory* balances = nullptr;
  CapHistory* caps = nullptr;
};

class ProjectionStore {
 public:
  // `origin` ties the store to one ledger; a store made for another
  // ledger (or an older layout) is wiped and rebuilt from seq 0.
  static Result<std::unique_ptr<ProjectionStore>> Open(
      const std::string& dir, const std::string& origin);
  ~ProjectionStore();
  ProjectionStore(const ProjectionStore&) = delete;
  ProjectionStore& operator=(const ProjectionStore&) = delete;

  // Fills an empty State with what was stored (next_seq 0 if none), and
  // the histories given with the days taken on it.
  Status Load(State& s, DayHistories histories = {});
  // Writes the rows changed since the last Commit and next_seq, and the
  // days each history given changed since then, atomically.
  Status Commit(State& s, DayHistories histories = {});
  // After a failed Commit RocksDB refuses writes until its background
  // error is cleared: clears it (a no-op when there is none). The State
  // must then be reloaded: the failed Commit forgot which rows changed.
  Status Recover();
  // Rows written by the last Commit (for metrics and tests).
  std::size_t last_commit_rows() const { return last_rows_; }

  struct PrivateTag {};
  explicit ProjectionStore(PrivateTag);

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::size_t last_rows_ = 0;
};

}  // namespace fl::replay
