// The earliest occurred_at date in each block of kBlock seqs, so a fold
// filtered at an as_of (a historic read) can tell which entries it may
// skip: an entry dated after the as_of changes nothing but next_seq
// (projector.h). Entries never change, so a block's date never goes
// stale; blocks are learned as the worker decodes them, or on demand.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "crypto/status.h"
#include "ledger/ledger.h"
#include "replay/date.h"
#include "replay/event.h"

namespace fl::replay {

class DayBlocks {
 public:
  // Small enough that a read past the end of the last dated block decodes
  // little; 1M entries keep ~1,000 dates.
  static constexpr std::uint64_t kBlock = 1024;

  // The worker's decoded entries, contiguous and in seq order: every block
  // seen whole records its earliest date. One caller at a time (the
  // applier, under its lock).
  void Note(const std::vector<Event>& events);

  // True when every entry in [from, to) is dated after `as_of`. Whole
  // blocks use their recorded date; the rest is decoded (and whole blocks
  // decoded here are recorded).
  Result<bool> AllAfter(const Ledger& ledger, std::uint64_t from,
                        std::uint64_t to, Day as_of);

  // The smallest end <= `at`, at a block boundary or `at`, such that every
  // entry in [end, at) is dated after `as_of`: a fold of [0, at) filtered
  // at `as_of` equals a fold of [0, end) but for next_seq.
  Result<std::uint64_t> FoldEnd(const Ledger& ledger, std::uint64_t at,
                                Day as_of);

  std::size_t known_blocks() const;

 private:
  void Record(std::uint64_t block, Day earliest);
  bool Known(std::uint64_t block, Day* earliest) const;

  mutable std::mutex mu_;
  std::vector<Day> earliest_;  // by block; kNoDay: not known yet
  // The worker's block in progress (Note): only a block seen from its
  // first seq is recorded.
  std::uint64_t open_block_ = UINT64_MAX;
  Day open_earliest_ = kNoDay;
  std::vector<Event> scratch_;  // AllAfter's decode buffers (under scan_mu_)
  std::mutex scan_mu_;
};

}  // namespace fl::replay
