// Rows written by entries not yet committed, layered over the store, so a
// group (and a batch inside it) sees its own earlier items. Internal.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "crypto/status.h"
#include "ledger/store.h"

namespace fl {

// Agency ("a/") and key ("k/") rows of the index family.
bool IsCachedRow(std::string_view key);

// Committed index rows that every append reads (agencies and keys: a few
// thousand at most), kept in memory by the single committing leader.
using RowCache = std::map<std::string, std::string, std::less<>>;

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
