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
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "replay/date.h"
#include "replay/flags.h"

namespace fl::replay {

class FlagHistory {
 public:
  // The flags judged at `day` on a state of `seq` entries, sorted as
  // EvaluateFlags sorts them. Flags equal to the nearest earlier day's
  // share its copies: from one day to the next most flags do not change.
  void Record(Day day, std::uint64_t seq, std::vector<Flag> flags);
  // Drops `day` and every later day.
  void DropFrom(Day day);
  // Drops every day judged on a state of more than `seq` entries (the
  // worker went back to a stored state).
  void DropAfterSeq(std::uint64_t seq);
  // Takes the days of `other` this history does not hold.
  void Join(FlagHistory&& other);
  // A copy of the flags at `day`, or null when it is not recorded.
  std::shared_ptr<const std::vector<Flag>> At(Day day) const;

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
  mutable std::mutex mu_;
  std::map<Day, DayFlags> days_;
};

}  // namespace fl::replay
