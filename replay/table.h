// In-memory projection tables that remember what changed, so a worker can
// persist only the changed rows together with its applied seq.
#pragma once

#include <boost/unordered/unordered_flat_set.hpp>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "replay/block_arena.h"
#include "replay/prefault.h"

namespace fl::replay {

// Receives changed rows: value nullptr means "delete".
using RowSink =
    std::function<void(std::string_view key, const std::string* value)>;

// id -> V. V is serialised by the codec given to Flush/Load.
//
// Rows live in an arena and never move, found through a flat
// open-addressing set (boost::unordered_flat_set, SIMD-probed groups) of
// 16-byte slots: the id's hash and the row. std::unordered_map reached a
// bucket's first node through the node before it, so a lookup of a new id
// in a large table cost three or four cache misses and a division per
// node walked (7.5% of a 1M replay, docs/PERFORMANCE.md). A miss here
// usually reads one group of the index and no row.
//
// Each row's id is copied just before the row, so the comparison that
// confirms a hit reads the lines the caller is about to read anyway: with
// the ids in a pool of their own, a hit cost one more cache miss (~3% of a
// replay). The stored hash means an insert hashes the id once, and growing
// the index (~20 times while the payments table fills) reads no row.
template <class V>
class Table {
  struct Row {
    std::string_view id;  // the bytes just before the row
    V value;
  };
  struct Slot {
    std::size_t hash;
    Row* row;
  };
  struct Lookup {
    std::string_view id;
    std::size_t hash;
  };
  struct SlotHash {
    using is_transparent = void;
    // std::hash of the bytes is a full-width hash already, so the index
    // does not mix it again.
    using is_avalanching = void;
    std::size_t operator()(const Slot& s) const { return s.hash; }
    std::size_t operator()(const Lookup& l) const { return l.hash; }
  };
  struct SlotEq {
    using is_transparent = void;
    bool operator()(const Slot& a, const Slot& b) const {
      return a.row == b.row;
    }
    bool operator()(const Lookup& l, const Slot& s) const {
      return l.hash == s.hash && l.id == s.row->id;
    }
    bool operator()(const Slot& s, const Lookup& l) const {
      return (*this)(l, s);
    }
  };
  using Index = boost::unordered_flat_set<Slot, SlotHash, SlotEq,
                                          PrefaultAllocator<Slot>>;
  static Lookup LookupOf(std::string_view id) {
    return Lookup{id, std::hash<std::string_view>{}(id)};
  }

 public:
  using value_type = V;

  Table() = default;
  // Rows are placed in the arena by hand: a move hands the arena over with
  // them (BlockArena), a copy would have to repoint every view.
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;
  Table(Table&& o) noexcept
      : arena_(std::move(o.arena_)),
        rows_(std::move(o.rows_)),
        dirty_(std::move(o.dirty_)),
        recording_(o.recording_) {
    o.rows_.clear();  // its rows are ours now
    o.dirty_.clear();
  }
  Table& operator=(Table&& o) noexcept {
    if (this != &o) {
      DestroyRows();
      arena_ = std::move(o.arena_);
      rows_ = std::move(o.rows_);
      dirty_ = std::move(o.dirty_);
      recording_ = o.recording_;
      o.rows_.clear();
      o.dirty_.clear();
    }
    return *this;
  }
  ~Table() { DestroyRows(); }

  const V* Find(std::string_view id) const {
    auto it = rows_.find(LookupOf(id));
    return it == rows_.end() ? nullptr : &it->row->value;
  }
  // Mutable access marks the row changed.
  V* Mut(std::string_view id) {
    auto it = rows_.find(LookupOf(id));
    if (it == rows_.end()) return nullptr;
    if (recording_) dirty_.insert(it->row);
    return &it->row->value;
  }
  V& Upsert(std::string_view id) {
    Row& row = RowFor(id);
    if (recording_) dirty_.insert(&row);
    return row.value;
  }
  std::size_t size() const { return rows_.size(); }

  // Every row as (id, value), in no particular order.
  //
  // The order is the index's (hash) order. In that order each row is a
  // cache miss: R16's walk over the fixture's 22,051 stations was ~11% of
  // a catch-up from nothing at 1M entries (docs/PERFORMANCE.md). So the
  // walk asks for the row kAhead slots on while it reads this one, and
  // the misses overlap.
  class Rows {
    static constexpr int kAhead = 8;

   public:
    class Iterator {
     public:
      Iterator(typename Index::const_iterator it,
               typename Index::const_iterator end)
          : it_(it), ahead_(it), end_(end) {
        for (int i = 0; i < kAhead && ahead_ != end_; ++i) Fetch();
      }
      std::pair<std::string_view, const V&> operator*() const {
        return {it_->row->id, it_->row->value};
      }
      Iterator& operator++() {
        ++it_;
        if (ahead_ != end_) Fetch();
        return *this;
      }
      bool operator!=(const Iterator& o) const { return it_ != o.it_; }

     private:
      // A row's first two lines: the id, and the members a walk reads
      // first (a Station's dates sit at byte ~112).
      void Fetch() {
        const char* row = reinterpret_cast<const char*>(ahead_->row);
        __builtin_prefetch(row);
        if constexpr (sizeof(Row) > 64) __builtin_prefetch(row + 64);
        ++ahead_;
      }
      typename Index::const_iterator it_, ahead_, end_;
    };
    explicit Rows(const Index& index) : index_(&index) {}
    Iterator begin() const { return Iterator(index_->begin(), index_->end()); }
    Iterator end() const { return Iterator(index_->end(), index_->end()); }

   private:
    const Index* index_;
  };
  Rows rows() const { return Rows(rows_); }

  template <class Encode>
  void Flush(std::string_view prefix, const RowSink& sink, Encode encode) {
    std::string key;
    for (const Row* row : dirty_) {
      key.assign(prefix).append(row->id);
      std::string v = encode(row->value);
      sink(key, &v);
    }
    dirty_.clear();
  }
  // Loading does not mark rows changed.
  V& LoadRow(std::string_view id) { return RowFor(id).value; }
  // For a table that is never flushed: drops the changes recorded so far
  // and records none from now on.
  void StopRecordingChanges() {
    recording_ = false;
    dirty_.clear();
  }

 private:
  Row& RowFor(std::string_view id) {
    const Lookup key = LookupOf(id);
    auto it = rows_.find(key);
    if (it != rows_.end()) return *it->row;
    // [id bytes][padding][Row]; an id is shorter than an entry, so the
    // two fit one arena block (BlockArena::Take checks).
    const std::size_t row_at =
        (id.size() + alignof(Row) - 1) / alignof(Row) * alignof(Row);
    char* at = arena_.At(arena_.Take(row_at + sizeof(Row), alignof(Row)));
    std::memcpy(at, id.data(), id.size());
    Row* row = new (at + row_at) Row{std::string_view(at, id.size()), V{}};
    // The second probe reads the group the first one just loaded.
    rows_.insert(Slot{key.hash, row});
    return *row;
  }

  void DestroyRows() {
    for (const Slot& s : rows_) s.row->~Row();
    rows_.clear();
  }

  BlockArena arena_;  // declared before rows_, which points into it
  Index rows_;
  // Rows are never erased, and never move, so the changed set can hold
  // pointers to the rows.
  std::unordered_set<const Row*> dirty_;
  bool recording_ = true;
};

// key -> ordered list of members, append-only. Persisted as one row per
// member (key \x1f index), so long lists are never rewritten. Members
// live in one arena per index, each a record of its next member, its
// length and its bytes, not a std::string each: at 1M entries the indexes
// hold ~4M members, and a vector of heap strings per key cost ~120 bytes
// a member where a record costs ~32 (heaptrack, docs/PERFORMANCE.md).
// Keys are records in the same arena, found through an open-addressing
// table of 24-byte slots: a node-based hash map spent a cache miss on the
// node and another on the key's heap string per lookup, plus two
// allocations per key (17% of a replay's samples, docs/PERFORMANCE.md).
class MultiIndex {
 public:
  class Members;

  void Add(std::string_view key, std::string_view member);
  // The members of `key` in the order they were added (none if absent).
  // Valid until the index is destroyed; Add does not move members.
  Members Get(std::string_view key) const;
  // Starts loading the slot where `key` would be, so that lookups which
  // follow overlap their cache misses: a replayed payment looks up ~5 new
  // keys in a table of millions of slots, each one a miss.
  void Prefetch(std::string_view key) const;
  void Flush(std::string_view prefix, const RowSink& sink);
  // Rows come back in key order, so members arrive in index order.
  void LoadRow(std::string_view key_and_index, std::string_view member);
  // As Table's: for an index that is never flushed.
  void StopRecordingChanges() {
    recording_ = false;
    added_.clear();
  }
  std::size_t size() const { return size_; }  // keys

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  // Arena addresses are 8-byte units: 2^32 of them is 32 GiB per index.
  static constexpr std::size_t kUnit = 8;
  struct Row {
    std::uint32_t head = kNone, tail = kNone, count = 0;
  };
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t key = kNone;  // the key's record; kNone: empty slot
    Row row;
  };
  struct Added {
    std::uint32_t key, index, unit;  // records never move
  };

  // The slot of `key`, added (with no members) if absent; valid until the
  // next key is added (the table may grow).
  Slot& SlotFor(std::string_view key);
  // The slot holding `key`, or the empty slot where it would go.
  std::size_t Probe(std::string_view key, std::uint64_t hash) const;
  void Grow();
  // Writes a record (next = kNone) and returns its unit.
  std::uint32_t Store(std::string_view bytes);
  std::uint32_t Append(Row& row, std::string_view member);
  const char* At(std::uint32_t unit) const {
    return arena_.At(std::size_t{unit} * kUnit);
  }
  std::uint32_t NextOf(std::uint32_t unit) const;
  std::string_view MemberAt(std::uint32_t unit) const;

  // a power of two long, at most 3/4 full
  std::vector<Slot, PrefaultAllocator<Slot>> slots_;
  std::size_t size_ = 0;
  BlockArena arena_;  // the records; every byte read was written by Store
  std::vector<Added> added_;
  bool recording_ = true;
  std::size_t loading_slot_ = SIZE_MAX;  // LoadRow's last key
};

// A view of one key's members; iterates std::string_view.
class MultiIndex::Members {
 public:
  class iterator {
   public:
    iterator(const MultiIndex* index, std::uint32_t unit)
        : index_(index), unit_(unit) {}
    std::string_view operator*() const { return index_->MemberAt(unit_); }
    iterator& operator++() {
      unit_ = index_->NextOf(unit_);
      return *this;
    }
    bool operator==(const iterator& o) const { return unit_ == o.unit_; }

   private:
    const MultiIndex* index_;
    std::uint32_t unit_;
  };
  Members(const MultiIndex* index, std::uint32_t head, std::uint32_t count)
      : index_(index), head_(head), count_(count) {}
  iterator begin() const { return iterator(index_, head_); }
  iterator end() const { return iterator(index_, kNone); }
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

 private:
  const MultiIndex* index_;
  std::uint32_t head_, count_;
};

}  // namespace fl::replay
