// In-memory projection tables that remember what changed, so a worker can
// persist only the changed rows together with its applied seq.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace fl::replay {

// Hash and equality that let string-keyed tables be searched with a
// string_view (C++20 heterogeneous lookup), so lookups do not allocate.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const {
    return std::hash<std::string_view>{}(s);
  }
};
template <class V>
using StringMap =
    std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// Receives changed rows: value nullptr means "delete".
using RowSink =
    std::function<void(std::string_view key, const std::string* value)>;

// id -> V. V is serialised by the codec given to Flush/Load.
template <class V>
class Table {
 public:
  const V* Find(std::string_view id) const {
    auto it = rows_.find(id);
    return it == rows_.end() ? nullptr : &it->second;
  }
  // Mutable access marks the row changed.
  V* Mut(std::string_view id) {
    auto it = rows_.find(id);
    if (it == rows_.end()) return nullptr;
    dirty_.insert(&it->first);
    return &it->second;
  }
  V& Upsert(std::string_view id) {
    auto it = rows_.find(id);
    if (it == rows_.end()) it = rows_.try_emplace(std::string(id)).first;
    dirty_.insert(&it->first);
    return it->second;
  }
  std::size_t size() const { return rows_.size(); }
  const StringMap<V>& rows() const { return rows_; }

  template <class Encode>
  void Flush(std::string_view prefix, const RowSink& sink, Encode encode) {
    std::string key;
    for (const std::string* id : dirty_) {
      key.assign(prefix).append(*id);
      std::string v = encode(rows_.find(*id)->second);
      sink(key, &v);
    }
    dirty_.clear();
  }
  // Loading does not mark rows changed.
  V& LoadRow(std::string id) { return rows_[std::move(id)]; }
  void ForgetChanges() { dirty_.clear(); }

 private:
  // Rows are never erased, and unordered_map nodes never move, so the
  // changed set can hold pointers to the keys instead of copies.
  StringMap<V> rows_;
  std::unordered_set<const std::string*> dirty_;
};

// key -> ordered list of members, append-only. Persisted as one row per
// member (key \x1f index), so long lists are never rewritten.
class MultiIndex {
 public:
  void Add(std::string_view key, std::string member) {
    auto it = rows_.find(key);
    if (it == rows_.end()) it = rows_.try_emplace(std::string(key)).first;
    it->second.push_back(std::move(member));
    added_.emplace_back(&it->first, it->second.size() - 1);
  }
  const std::vector<std::string>& Get(std::string_view key) const {
    static const std::vector<std::string> kEmpty;
    auto it = rows_.find(key);
    return it == rows_.end() ? kEmpty : it->second;
  }
  const StringMap<std::vector<std::string>>& rows() const { return rows_; }
  void Flush(std::string_view prefix, const RowSink& sink);
  // Rows come back in key order, so members arrive in index order.
  void LoadRow(std::string_view key_and_index, std::string member);
  void ForgetChanges() { added_.clear(); }

 private:
  StringMap<std::vector<std::string>> rows_;
  std::vector<std::pair<const std::string*, std::size_t>> added_;
};

}  // namespace fl::replay
