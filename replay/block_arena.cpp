#include "replay/block_arena.h"

#include <algorithm>

#include "crypto/check.h"
#include "replay/prefault.h"

namespace fl::replay {

std::size_t BlockArena::Take(std::size_t n, std::size_t align) {
  FL_CHECK(n >= 1 && n <= kBlockBytes);
  FL_CHECK(align >= 1 && (align & (align - 1)) == 0 &&
           kFirstBlockBytes % align == 0);
  std::size_t at = (used_ + align - 1) & ~(align - 1);
  if (blocks_.empty() || at > capacity_ || capacity_ - at < n) {
    // The tail of the last block stays unused. Every block starts at a
    // multiple of kBlockBytes in position space, so a position finds its
    // block with one division whatever the block's size.
    capacity_ = blocks_.empty() ? kFirstBlockBytes
                                : std::min(kBlockBytes, capacity_ * 2);
    capacity_ = std::max(capacity_, n);
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(capacity_));
    // Every byte of a block gets written, in order: fault it in at once.
    if (capacity_ >= kPrefaultMinBytes)
      Prefault(blocks_.back().get(), capacity_);
    at = 0;
  }
  used_ = at + n;
  return (blocks_.size() - 1) * kBlockBytes + at;
}

}  // namespace fl::replay
