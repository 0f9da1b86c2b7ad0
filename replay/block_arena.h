// Bytes that never move, taken from blocks with a bump offset. The
// State keeps millions of small strings and index records; one heap
// allocation each cost a malloc header and a cache line apiece, and the
// bytes scattered over the heap (docs/PERFORMANCE.md). The string pool
// and the multi-index both take their bytes here, so the block policy is
// written once. An arena's first block is small and each next one twice
// the last, up to 1 MiB: the State has ~40 tables and indexes, most of
// them small, and a 1 MiB block each cost up to a 2 MiB huge page each.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace fl::replay {

class BlockArena {
 public:
  static constexpr std::size_t kBlockBytes = std::size_t{1} << 20;
  static constexpr std::size_t kFirstBlockBytes = std::size_t{1} << 12;

  BlockArena() = default;
  // Positions and pointers stay valid across a move (the blocks are handed
  // over); a copy would have to repoint them, so there is none.
  BlockArena(const BlockArena&) = delete;
  BlockArena& operator=(const BlockArena&) = delete;
  BlockArena(BlockArena&&) = default;
  BlockArena& operator=(BlockArena&&) = default;

  // Takes `n` bytes (1 <= n <= kBlockBytes) starting at a multiple of
  // `align` (a power of two that divides kFirstBlockBytes) and returns
  // their position, block * kBlockBytes + offset: a number, so a user may
  // store it in fewer bits than a pointer. The bytes are uninitialised
  // (zeroing 1 MiB per block was ~3% of a replay) and live as long as the
  // arena.
  std::size_t Take(std::size_t n, std::size_t align = 1);
  char* At(std::size_t position) const {
    return blocks_[position / kBlockBytes].get() + position % kBlockBytes;
  }
  std::size_t blocks() const { return blocks_.size(); }

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t capacity_ = 0;  // of blocks_.back()
  std::size_t used_ = 0;      // bytes taken in blocks_.back()
};

}  // namespace fl::replay
