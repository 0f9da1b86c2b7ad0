// The arena under the string pool and the multi-index: bytes stay where
// they were written across blocks of growing size, alignment holds, a
// position finds its block, and a move hands the blocks over.
#include "replay/block_arena.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace fl::replay {

TEST_CASE("BlockArena keeps bytes where they were written", "[replay][pool]") {
  BlockArena arena;
  struct Kept {
    std::size_t position;
    std::string bytes;
  };
  std::vector<Kept> kept;
  // Odd sizes from 1 byte to ~20 KiB, ~20 MiB in all: blocks of 4 KiB,
  // 8 KiB, ... up to 1 MiB, and then many of 1 MiB.
  constexpr std::size_t kMaxN = 20011;
  std::size_t n = 1, total = 0;
  for (int i = 0; i < 2000; ++i) {
    n = (n * 37 + 11) % kMaxN + 1;
    total += n;
    std::string bytes(n, static_cast<char>('a' + i % 26));
    bytes.front() = static_cast<char>(i & 0x7f);
    const std::size_t align = std::size_t{1} << (i % 4);  // 1, 2, 4, 8
    const std::size_t position = arena.Take(n, align);
    CHECK(position % align == 0);
    std::memcpy(arena.At(position), bytes.data(), n);
    kept.push_back({position, std::move(bytes)});
  }
  // A whole block, and one byte after it.
  std::string block(BlockArena::kBlockBytes, 'z');
  const std::size_t whole = arena.Take(block.size());
  CHECK(whole % BlockArena::kBlockBytes == 0);
  std::memcpy(arena.At(whole), block.data(), block.size());
  kept.push_back({whole, std::move(block)});
  const std::size_t one = arena.Take(1);
  *arena.At(one) = '!';
  kept.push_back({one, "!"});

  BlockArena moved = std::move(arena);
  for (const Kept& k : kept) {
    REQUIRE(std::string(moved.At(k.position), k.bytes.size()) == k.bytes);
  }
  // Growth doubles from the first block up to kBlockBytes, never beyond:
  // 9 growing blocks (4 KiB ... 1 MiB), then full ones that each waste at
  // most one string's worth, then the whole block and the byte after it.
  const std::size_t full = BlockArena::kBlockBytes;
  CHECK(moved.blocks() >= total / full + 2);
  CHECK(moved.blocks() <= 9 + total / (full - kMaxN) + 1 + 2);
}

TEST_CASE("BlockArena's first blocks are small", "[replay][pool]") {
  BlockArena arena;
  const std::size_t a = arena.Take(BlockArena::kFirstBlockBytes);
  CHECK(a == 0);
  CHECK(arena.blocks() == 1);
  // The first block is full: the next byte opens a second block, which
  // starts at the next kBlockBytes in position space.
  const std::size_t b = arena.Take(1);
  CHECK(b == BlockArena::kBlockBytes);
  CHECK(arena.blocks() == 2);
  // The second block holds 2 x kFirstBlockBytes.
  const std::size_t c = arena.Take(2 * BlockArena::kFirstBlockBytes - 1);
  CHECK(c == BlockArena::kBlockBytes + 1);
  CHECK(arena.blocks() == 2);
}

}  // namespace fl::replay
