// Rows written by entries not yet committed, layered over the store, so a
// group (and a batch inside it) sees its own earlier items. Internal.
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "crypto/status.h"
#include "ledger/store.h"

namespace fl {

// Identity and write-once subject rows (index_records.h): the rows
// RowCache keeps.
bool IsCachedRow(std::string_view key);

// Committed index rows kept in memory by the single committing leader, so
// its reference checks need not ask RocksDB (store lookups were a quarter
// of Commit's samples in `import`, perf, issue 10). Holds every identity
// row, kept current at each commit, and up to
// limits::kMaxCachedSubjectRows write-once subject rows, each kept when a
// check first reads it from the store. A subject is not kept when it is
// created: many never are referenced, and keeping each one cost the
// trusted-append bench ~8%. Only rows the store holds are kept, never an
// absence, which a later commit may fill.
class RowCache {
 public:
  const std::string* Find(const std::string& key) const;
  // A committed row, as the store holds it now. Subject rows beyond the
  // bound clear the subject half and start it again.
  void Keep(const std::string& key, const std::string& value);

  std::size_t subject_rows() const { return subjects_.size(); }

 private:
  boost::unordered_flat_map<std::string, std::string> identity_;
  boost::unordered_flat_map<std::string, std::string> subjects_;
};

class Overlay {
 public:
  Overlay(const Store& store, const Overlay* parent, RowCache* cache = nullptr)
      : store_(store), parent_(parent), cache_(cache) {}

  // The newest value of (family, key): this overlay, its parents, the store.
  Result<std::optional<std::string>> Get(Store::Family f,
                                         const std::string& key) const;
  void Put(Store::Family f, std::string key, std::string value) {
    rows_[{f, std::move(key)}] = std::move(value);
  }
  // Moves this overlay's rows into `to` (a unit that passed joins its group).
  void MergeInto(Overlay& to) {
    for (auto& [k, v] : rows_) to.rows_[k] = std::move(v);
    rows_.clear();
  }
  const std::map<std::pair<int, std::string>, std::string>& rows() const {
    return rows_;
  }

 private:
  const Store& store_;
  const Overlay* parent_;
  RowCache* cache_;  // only on the root overlay of a group
  std::map<std::pair<int, std::string>, std::string> rows_;
};

}  // namespace fl
