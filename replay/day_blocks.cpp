#include "replay/day_blocks.h"

#include <algorithm>

#include "replay/entry_range.h"

namespace fl::replay {

void DayBlocks::Note(const std::vector<Event>& events) {
  for (const Event& e : events) {
    const std::uint64_t block = e.seq / kBlock;
    if (e.seq % kBlock == 0) {
      open_block_ = block;
      open_earliest_ = e.occurred;
    } else if (block != open_block_) {
      continue;  // joined this block midway (after a restart): unknown
    } else {
      open_earliest_ = std::min(open_earliest_, e.occurred);
    }
    if (e.seq % kBlock == kBlock - 1) {
      Record(block, open_earliest_);
      open_block_ = UINT64_MAX;
    }
  }
}

void DayBlocks::Record(std::uint64_t block, Day earliest) {
  std::lock_guard g(mu_);
  if (earliest_.size() <= block) earliest_.resize(block + 1, kNoDay);
  earliest_[block] = earliest;
}

bool DayBlocks::Known(std::uint64_t block, Day* earliest) const {
  std::lock_guard g(mu_);
  if (block >= earliest_.size() || earliest_[block] == kNoDay) return false;
  *earliest = earliest_[block];
  return true;
}

std::size_t DayBlocks::known_blocks() const {
  std::lock_guard g(mu_);
  return static_cast<std::size_t>(std::count_if(
      earliest_.begin(), earliest_.end(), [](Day d) { return d != kNoDay; }));
}

Result<bool> DayBlocks::AllAfter(const Ledger& ledger, std::uint64_t from,
                                 std::uint64_t to, Day as_of) {
  for (std::uint64_t b = from; b < to;) {
    const std::uint64_t block = b / kBlock;
    const std::uint64_t block_end = (block + 1) * kBlock;
    const std::uint64_t seg_end = std::min(to, block_end);
    const bool whole = b == block * kBlock && seg_end == block_end;
    Day earliest = kNoDay;
    if (!whole || !Known(block, &earliest)) {
      std::lock_guard g(scan_mu_);
      FL_RETURN_IF_ERROR(DecodeEntries(ledger, b, seg_end, scratch_));
      if (scratch_.size() != seg_end - b) {
        return Internal("entries " + std::to_string(b) + ".." +
                        std::to_string(seg_end) + " not in the log");
      }
      earliest = scratch_.front().occurred;
      for (const Event& e : scratch_) earliest = std::min(earliest, e.occurred);
      if (whole) Record(block, earliest);
    }
    if (earliest <= as_of) return false;
    b = seg_end;
  }
  return true;
}

Result<std::uint64_t> DayBlocks::FoldEnd(const Ledger& ledger, std::uint64_t at,
                                         Day as_of) {
  std::uint64_t end = at;
  while (end > 0) {
    const std::uint64_t start = (end - 1) / kBlock * kBlock;
    auto after = AllAfter(ledger, start, end, as_of);
    if (!after.ok()) return after.error();
    if (!*after) break;
    end = start;
  }
  return end;
}

}  // namespace fl::replay
