// C2SP tlog-tiles: the log as static files. Hash tiles are 256-wide runs of
// the complete-subtree hashes the tree family already stores (tile level L
// holds tree level 8L); entry bundles hold the canonical entry bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "crypto/sha256.h"
#include "crypto/status.h"
#include "ledger/merkle.h"

namespace fl {

inline constexpr unsigned kTileHeight = 8;
inline constexpr unsigned kTileWidth = 256;  // 1 << kTileHeight
// Tile level 8 would start at tree level 64: no log of < 2^64 leaves has one.
inline constexpr unsigned kMaxTileLevel = 7;

// One tile: a hash tile (entries == false) at `level`, or an entry bundle.
// width == kTileWidth is a full tile; 1..255 a partial one (".p/<W>").
struct TileRef {
  bool entries = false;
  unsigned level = 0;
  std::uint64_t index = 0;
  unsigned width = kTileWidth;
  bool operator==(const TileRef&) const = default;
};

// "tile/<L>/<N>[.p/<W>]" or "tile/entries/<N>[.p/<W>]", N as x-prefixed
// 3-digit groups ("x001/234"), no leading slash.
std::string TilePath(const TileRef& tile);
// Inverse of TilePath. Only the canonical spelling is accepted, so each
// tile has exactly one URL and one file (404-class error otherwise).
Result<TileRef> ParseTilePath(std::string_view path);

// Every tile and bundle of the tree of `size` leaves: the full ones and, per
// level, the one partial tile at its right edge (if any).
std::vector<TileRef> TilesForSize(std::uint64_t size);
// Whether `tile` exists (full or with exactly this width) in a tree of `size`.
bool TileInTree(const TileRef& tile, std::uint64_t size);

// The bytes of a hash tile: `width` 32-byte hashes of tree level 8*level.
Result<std::string> HashTile(const NodeSource& nodes, const TileRef& tile);

// Entry bundles: each entry prefixed by its big-endian uint16 length.
Result<std::string> EncodeEntryBundle(const std::vector<std::string>& entries);
Result<std::vector<std::string>> DecodeEntryBundle(std::string_view bundle);

// A NodeSource over hash tiles fetched on demand (a client or mirror that
// holds only tiles): Node(level, i) hashes up from the tile at level/8.
// Fetches of the same tile are cached for the object's lifetime.
class TileNodes final : public NodeSource {
 public:
  using Fetch = std::function<Result<std::string>(const TileRef&)>;
  TileNodes(Fetch fetch, std::uint64_t size)
      : fetch_(std::move(fetch)), size_(size) {}
  Result<Hash> Node(unsigned level, std::uint64_t index) const override;

 private:
  Result<std::string> Tile(const TileRef& tile) const;
  Fetch fetch_;
  std::uint64_t size_;
  // (level, index, width) -> bytes
  mutable std::map<std::tuple<unsigned, std::uint64_t, unsigned>, std::string>
      cache_;
};

}  // namespace fl
