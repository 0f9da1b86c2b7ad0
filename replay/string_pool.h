// Stable bytes for the strings of the State's largest table. At 1M entries
// a replay keeps ~540k payments of ten strings each; as std::string they
// took ~350 MB (a 384-byte row plus ~8 heap strings each, jemalloc's
// statistics), most of it copies of the same few lots, payees, stations
// and categories. A payment now holds views into this pool: repeated
// values once, ids copied into blocks. Fewer bytes is fewer first-touch
// page faults, which were a fifth of a replay (docs/PERFORMANCE.md).
#pragma once

#include <boost/unordered/unordered_flat_set.hpp>
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "replay/block_arena.h"

namespace fl::replay {

class StringPool {
 public:
  StringPool() = default;
  // Views point into the blocks, which a move hands over and a copy would
  // not (BlockArena): a State (and its views) is never copied.

  // A stable copy of `s`, shared by every Intern of the same bytes: for
  // values that repeat (lots, payees, stations, categories).
  std::string_view Intern(std::string_view s);
  // A stable copy of `s` of its own: for values that seldom repeat (ids),
  // where a lookup would cost more than the bytes.
  std::string_view Copy(std::string_view s);
  // The interned copy of `s`, or an empty view if `s` was never interned:
  // a reader may look up by address what only Intern could have stored.
  std::string_view FindInterned(std::string_view s) const;

 private:
  // Strings longer than this get an allocation of their own, so a block's
  // free bytes are not thrown away for one of them.
  static constexpr std::size_t kLongBytes = BlockArena::kBlockBytes / 4;
  BlockArena small_;
  std::vector<std::unique_ptr<char[]>> long_;
  boost::unordered_flat_set<std::string_view> interned_;
};

}  // namespace fl::replay
