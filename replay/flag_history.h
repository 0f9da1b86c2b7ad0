// The flags as they stood at the end of each calendar day the live
// worker's fold has passed, so a historic as_of read of the flags need not
// fold the log again (seconds at 1M entries).
//
// Why a day's flags can be judged on the live state: while occurred_at
// dates only grow in seq order (a live log's appends are today's), the
// state the worker holds just before the first entry dated after day D
// holds exactly the entries dated on or before D, which is what a fold
// filtered at as_of D holds (but for next_seq and the genesis date, which
// no flag reads). An entry dated before the newest day breaks that for
// every day from its date on: the worker drops those days, and reads of
// them fold as before.
//
// The projection store keeps the history with the state it was judged on
// (projection_store.h), one row per day holding what changed since the day
// before, so a restart has it at once: rebuilding it meant folding the
// stored prefix again in a second State (~400 MB and ~15 s at 1M entries).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "replay/date.h"
#include "replay/flags.h"

namespace fl::replay {

// One day as the store keeps it: the flags of the nearest earlier day it
// holds, less `dropped` (indices into that day's list, ascending), merged
// with `added` (sorted as the day's list is). Most days change nothing.
struct StoredFlagDay {
  std::uint64_t seq = 0;
  std::vector<std::uint64_t> dropped;
  std::vector<Flag> added;
  bool operator==(const StoredFlagDay&) const = default;
};

class FlagHistory {
 public:
  // The flags judged at `day` on a state of `seq` entries, sorted as
  // EvaluateFlags sorts them. Flags equal to the nearest earlier day's
  // share its copies: from one day to the next most flags do not change.
  void Record(Day day, std::uint64_t seq, std::vector<Flag> flags);
  // Drops `day` and every later day.
  void DropFrom(Day day);
  // Takes every day of `other`, and forgets what was not yet taken by
  // TakeChanges (the worker went back to its stored state).
  void Replace(FlagHistory&& other);

  // What the store must write to match this history since the last call:
  // every day from the earliest one recorded or dropped, each as a change
  // from the day before it, after erasing the stored days from
  // `erase_from` on when days were dropped.
  struct Changes {
    std::optional<Day> erase_from;
    std::vector<std::pair<Day, StoredFlagDay>> days;
  };
  Changes TakeChanges();
  // Adds a stored day after the last day held (the store reads them in
  // date order). False when it does not fit that day: an index past its
  // list, or flags out of order.
  bool Restore(Day day, const StoredFlagDay& stored);
  // A copy of the flags at `day`, or null when it is not recorded.
  std::shared_ptr<const std::vector<Flag>> At(Day day) const;
  // One flag at `day`: whether the day is recorded, the seq it was judged
  // at (the entries it holds), and the flag when it was raised that day.
  struct OneFlag {
    bool day_held = false;
    std::uint64_t seq = 0;
    std::optional<Flag> flag;
  };
  OneFlag FlagAt(Day day, std::string_view flag_id) const;

  struct Stats {
    std::size_t days = 0;
    std::size_t flag_copies = 0;  // distinct Flag objects held
  };
  Stats stats() const;

 private:
  struct DayFlags {
    std::uint64_t seq = 0;
    std::vector<std::shared_ptr<const Flag>> flags;
  };
  void Changed(Day day) {
    if (!changed_from_ || day < *changed_from_) changed_from_ = day;
  }
  mutable std::mutex mu_;
  std::map<Day, DayFlags> days_;
  std::optional<Day> changed_from_;  // since the last TakeChanges
  bool dropped_ = false;             // ... and whether days went
};

}  // namespace fl::replay
