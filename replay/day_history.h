// What a projection read returned at the end of each calendar day the
// live worker's fold has passed, so a historic as_of read need not fold
// the log again (seconds at 1M entries). Three are kept: the flags, the
// balance rows (balances.h) and the cap report's rows (rules/caps.h).
//
// Why a day's answer can be taken from the live state: while occurred_at
// dates only grow in seq order (a live log's appends are today's), the
// state the worker holds just before the first entry dated after day D
// holds exactly the entries dated on or before D, which is what a fold
// filtered at as_of D holds (but for next_seq and the genesis date, which
// no flag, balance or cap reads). An entry dated before the newest day breaks
// that for every day from its date on: the worker drops those days, and
// reads of them fold as before.
//
// The projection store keeps each history with the state it was taken on
// (projection_store.h), one row per day holding what changed since the day
// before, so a restart has it at once: rebuilding it meant folding the
// stored prefix again in a second State (~400 MB and ~15 s at 1M entries).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "replay/balances.h"
#include "replay/date.h"
#include "replay/flags.h"
#include "replay/rules/caps.h"

namespace fl::replay {

// One day as the store keeps it: the rows of the nearest earlier day it
// holds, less `dropped` (indices into that day's list, ascending), merged
// with `added` (sorted as the day's list is). Most days change nothing.
template <class Row>
struct StoredDay {
  std::uint64_t seq = 0;
  std::vector<std::uint64_t> dropped;
  std::vector<Row> added;
  bool operator==(const StoredDay&) const = default;
};

// Rows of one kind per day, each day's list strictly sorted by `Less`.
template <class Row, bool (*Less)(const Row&, const Row&)>
class DayHistory {
 public:
  // The rows taken at `day` on a state of `seq` entries, sorted by Less.
  // Rows equal to the nearest earlier day's share its copies: from one day
  // to the next most rows do not change.
  void Record(Day day, std::uint64_t seq, std::vector<Row> rows) {
    std::lock_guard g(mu_);
    DayRows out;
    out.seq = seq;
    out.rows.reserve(rows.size());
    // Both lists are in Less order: one merge walk finds the rows the
    // earlier day already holds.
    const DayRows* before = nullptr;
    if (auto it = days_.lower_bound(day); it != days_.begin())
      before = &std::prev(it)->second;
    std::size_t j = 0;
    for (Row& r : rows) {
      if (before) {
        const auto& old = before->rows;
        while (j < old.size() && Less(*old[j], r)) ++j;
        if (j < old.size() && *old[j] == r) {
          out.rows.push_back(old[j]);
          continue;
        }
      }
      out.rows.push_back(std::make_shared<const Row>(std::move(r)));
    }
    days_[day] = std::move(out);
    Changed(day);
  }

  // Drops `day` and every later day.
  void DropFrom(Day day) {
    std::lock_guard g(mu_);
    days_.erase(days_.lower_bound(day), days_.end());
    Changed(day);
    dropped_ = true;
  }

  // Takes every day of `other`, and forgets what was not yet taken by
  // TakeChanges (the worker went back to its stored state).
  void Replace(DayHistory&& other) {
    std::scoped_lock g(mu_, other.mu_);
    days_ = std::move(other.days_);
    other.days_.clear();
    changed_from_.reset();
    dropped_ = false;
  }

  // What the store must write to match this history since the last call:
  // every day from the earliest one recorded or dropped, each as a change
  // from the day before it, after erasing the stored days from
  // `erase_from` on when days were dropped.
  struct Changes {
    std::optional<Day> erase_from;
    std::vector<std::pair<Day, StoredDay<Row>>> days;
  };
  Changes TakeChanges() {
    std::lock_guard g(mu_);
    Changes out;
    if (!changed_from_) return out;
    if (dropped_) out.erase_from = *changed_from_;
    auto it = days_.lower_bound(*changed_from_);
    const DayRows* before =
        it == days_.begin() ? nullptr : &std::prev(it)->second;
    for (; it != days_.end(); ++it) {
      const DayRows& day = it->second;
      StoredDay<Row> stored;
      stored.seq = day.seq;
      Diff(
          before, day, [&](std::size_t i) { stored.dropped.push_back(i); },
          [&](const Row& r) { stored.added.push_back(r); });
      out.days.emplace_back(it->first, std::move(stored));
      before = &day;
    }
    changed_from_.reset();
    dropped_ = false;
    return out;
  }

  // Adds a stored day after the last day held (the store reads them in
  // date order). False when it does not fit that day: an index past its
  // list, or rows out of order.
  bool Restore(Day day, const StoredDay<Row>& stored) {
    std::lock_guard g(mu_);
    if (!days_.empty() && days_.rbegin()->first >= day) return false;
    const DayRows* before = days_.empty() ? nullptr : &days_.rbegin()->second;
    const std::size_t had = before ? before->rows.size() : 0;
    DayRows out;
    out.seq = stored.seq;
    out.rows.reserve(had + stored.added.size());
    std::size_t d = 0, a = 0;
    for (std::size_t i = 0; i <= had; ++i) {
      if (i < had && d < stored.dropped.size() && stored.dropped[d] == i) {
        ++d;
        continue;
      }
      // The added rows that sort before this kept one (all that are left,
      // after the last).
      while (a < stored.added.size() &&
             (i == had || Less(stored.added[a], *before->rows[i]))) {
        out.rows.push_back(std::make_shared<const Row>(stored.added[a++]));
      }
      if (i < had) out.rows.push_back(before->rows[i]);
    }
    if (d != stored.dropped.size()) return false;  // an index past the list
    // Strictly in order: no row twice, and the list a reading would give.
    for (std::size_t i = 1; i < out.rows.size(); ++i)
      if (!Less(*out.rows[i - 1], *out.rows[i])) return false;
    days_.emplace(day, std::move(out));
    return true;
  }

  // Whether `day` is recorded.
  bool Holds(Day day) const {
    std::lock_guard g(mu_);
    return days_.contains(day);
  }

  // A copy of the rows at `day`, or null when it is not recorded.
  std::shared_ptr<const std::vector<Row>> At(Day day) const {
    std::lock_guard g(mu_);
    auto it = days_.find(day);
    if (it == days_.end()) return nullptr;
    auto out = std::make_shared<std::vector<Row>>();
    out->reserve(it->second.rows.size());
    for (const auto& r : it->second.rows) out->push_back(*r);
    return out;
  }

  // One row at `day`: whether the day is recorded, the seq it was taken
  // at (the entries it holds), and the row whose key_of(row) is `key`
  // when there is one (the day's rows must be sorted by that key).
  struct OneRow {
    bool day_held = false;
    std::uint64_t seq = 0;
    std::optional<Row> row;
  };
  template <class KeyOf>
  OneRow Find(Day day, std::string_view key, KeyOf key_of) const {
    std::lock_guard g(mu_);
    OneRow out;
    auto it = days_.find(day);
    if (it == days_.end()) return out;
    out.day_held = true;
    out.seq = it->second.seq;
    const auto& rows = it->second.rows;
    auto r =
        std::lower_bound(rows.begin(), rows.end(), key,
                         [&](const std::shared_ptr<const Row>& x,
                             std::string_view k) { return key_of(*x) < k; });
    if (r != rows.end() && key_of(**r) == key) out.row = **r;
    return out;
  }

  struct Stats {
    std::size_t days = 0;
    std::size_t row_copies = 0;  // distinct Row objects held
  };
  Stats stats() const {
    std::lock_guard g(mu_);
    // Days are only added after the last one, so a row is shared only by
    // consecutive days: the copies are the rows each day did not take from
    // the day before.
    Stats out{days_.size(), 0};
    const DayRows* before = nullptr;
    for (const auto& [day, d] : days_) {
      Diff(
          before, d, [](std::size_t) {}, [&](const Row&) { ++out.row_copies; });
      before = &d;
    }
    return out;
  }

 private:
  struct DayRows {
    std::uint64_t seq = 0;
    std::vector<std::shared_ptr<const Row>> rows;
  };
  // Walks two days' lists (each strictly sorted by Less) side by side:
  // calls dropped(i) for each index of `before` whose row `day` does not
  // hold, added(row) for each of `day`'s rows `before` does not hold. A
  // row kept from the day before is the same copy (Record and Restore
  // share it), so identity decides, without comparing rows' contents.
  template <class Dropped, class Added>
  static void Diff(const DayRows* before, const DayRows& day, Dropped dropped,
                   Added added) {
    const auto& now = day.rows;
    static const std::vector<std::shared_ptr<const Row>> kNone;
    const auto& old = before ? before->rows : kNone;
    std::size_t i = 0, j = 0;
    while (i < old.size() || j < now.size()) {
      if (i < old.size() && j < now.size() && old[i] == now[j]) {
        ++i, ++j;
      } else if (j == now.size() ||
                 (i < old.size() && !Less(*now[j], *old[i]))) {
        // old[i] sorts first, or both sort alike but the row changed.
        dropped(i);
        if (j < now.size() && !Less(*old[i], *now[j])) added(*now[j++]);
        ++i;
      } else {
        added(*now[j++]);
      }
    }
  }
  void Changed(Day day) {
    if (!changed_from_ || day < *changed_from_) changed_from_ = day;
  }
  mutable std::mutex mu_;
  std::map<Day, DayRows> days_;
  std::optional<Day> changed_from_;  // since the last TakeChanges
  bool dropped_ = false;             // ... and whether days went
};

using FlagHistory = DayHistory<Flag, &FlagLess>;
using StoredFlagDay = StoredDay<Flag>;
using BalanceHistory = DayHistory<BalanceRow, &BalanceLess>;
using StoredBalanceDay = StoredDay<BalanceRow>;
using CapHistory = DayHistory<CapRow, &CapRowLess>;
using StoredCapDay = StoredDay<CapRow>;

}  // namespace fl::replay
