#include "ledger/tiles.h"

#include <algorithm>
#include <charconv>

namespace fl {
namespace {

Error NotATile(std::string_view path) {
  return MakeError(Code::kNotFound, "not_found",
                   "not a canonical tile path: " + std::string(path));
}

std::string EncodeIndex(std::uint64_t n) {
  // Groups of three digits, most significant first; all but the last get 'x'.
  std::vector<unsigned> groups;
  do {
    groups.push_back(static_cast<unsigned>(n % 1000));
    n /= 1000;
  } while (n > 0);
  std::string out;
  for (std::size_t i = groups.size(); i-- > 0;) {
    char buf[8];
    buf[0] = static_cast<char>('0' + groups[i] / 100);
    buf[1] = static_cast<char>('0' + groups[i] / 10 % 10);
    buf[2] = static_cast<char>('0' + groups[i] % 10);
    if (i != 0) out += 'x';
    out.append(buf, 3);
    if (i != 0) out += '/';
  }
  return out;
}

// Nodes of tree level 8*level that exist in a tree of `size` leaves.
std::uint64_t NodesAtTileLevel(unsigned level, std::uint64_t size) {
  return size >> (kTileHeight * level);
}

}  // namespace

std::string TilePath(const TileRef& tile) {
  std::string out = "tile/";
  out += tile.entries ? std::string("entries") : std::to_string(tile.level);
  out += '/';
  out += EncodeIndex(tile.index);
  if (tile.width != kTileWidth) out += ".p/" + std::to_string(tile.width);
  return out;
}

Result<TileRef> ParseTilePath(std::string_view path) {
  const std::string_view original = path;
  if (path.substr(0, 5) != "tile/") return NotATile(original);
  path.remove_prefix(5);
  const auto slash = path.find('/');
  if (slash == std::string_view::npos) return NotATile(original);
  const std::string_view level = path.substr(0, slash);
  path.remove_prefix(slash + 1);
  TileRef tile;
  if (level == "entries") {
    tile.entries = true;
  } else {
    if (level.empty() || level.size() > 1) return NotATile(original);
    if (level[0] < '0' || level[0] - '0' > static_cast<int>(kMaxTileLevel)) {
      return NotATile(original);
    }
    tile.level = static_cast<unsigned>(level[0] - '0');
  }
  std::string_view index = path;
  const auto partial = path.find(".p/");
  if (partial != std::string_view::npos) {
    index = path.substr(0, partial);
    const std::string_view w = path.substr(partial + 3);
    unsigned width = 0;
    const auto [end, ec] =
        std::from_chars(w.data(), w.data() + w.size(), width);
    if (ec != std::errc() || end != w.data() + w.size() || width == 0 ||
        width >= kTileWidth) {
      return NotATile(original);
    }
    tile.width = width;
  }
  // Read the digits, then insist the path is the canonical spelling.
  std::uint64_t n = 0;
  for (const char c : index) {
    if (c == 'x' || c == '/') continue;
    if (c < '0' || c > '9') return NotATile(original);
    if (n > (UINT64_MAX - 9) / 10) return NotATile(original);
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  tile.index = n;
  if (TilePath(tile) != original) return NotATile(original);
  return tile;
}

bool TileInTree(const TileRef& tile, std::uint64_t size) {
  if (!tile.entries && tile.level > kMaxTileLevel) return false;
  const std::uint64_t nodes =
      tile.entries ? size : NodesAtTileLevel(tile.level, size);
  const std::uint64_t full = nodes / kTileWidth;
  if (tile.width == kTileWidth) return tile.index < full;
  // A partial tile is served only at the right edge, at its exact width, or
  // for a full tile's prefix that some older tree size had (tlog-tiles lets
  // clients ask for those; they never change either).
  if (tile.index < full) return true;
  return tile.index == full && tile.width <= nodes % kTileWidth;
}

std::vector<TileRef> TilesForSize(std::uint64_t size) {
  std::vector<TileRef> out;
  auto add_level = [&](bool entries, unsigned level, std::uint64_t nodes) {
    for (std::uint64_t i = 0; i < nodes / kTileWidth; ++i) {
      out.push_back(TileRef{entries, level, i, kTileWidth});
    }
    if (nodes % kTileWidth != 0) {
      out.push_back(TileRef{entries, level, nodes / kTileWidth,
                            static_cast<unsigned>(nodes % kTileWidth)});
    }
  };
  add_level(true, 0, size);
  for (unsigned level = 0; level <= kMaxTileLevel; ++level) {
    const std::uint64_t nodes = NodesAtTileLevel(level, size);
    if (nodes == 0) break;
    add_level(false, level, nodes);
  }
  return out;
}

Result<std::string> HashTile(const NodeSource& nodes, const TileRef& tile) {
  if (tile.entries || tile.level > kMaxTileLevel || tile.width == 0 ||
      tile.width > kTileWidth) {
    return Internal("HashTile: not a hash tile");
  }
  std::string out;
  out.reserve(32u * tile.width);
  for (unsigned i = 0; i < tile.width; ++i) {
    auto h = nodes.Node(kTileHeight * tile.level, tile.index * kTileWidth + i);
    if (!h.ok()) return h.error();
    out += AsBytes(*h);
  }
  return out;
}

Result<std::string> EncodeEntryBundle(const std::vector<std::string>& entries) {
  std::string out;
  for (const auto& e : entries) {
    if (e.size() > 0xffff) {
      return Internal("entry of " + std::to_string(e.size()) +
                      " bytes does not fit an entry bundle's uint16 length");
    }
    out += static_cast<char>(e.size() >> 8);
    out += static_cast<char>(e.size() & 0xff);
    out += e;
  }
  return out;
}

Result<std::vector<std::string>> DecodeEntryBundle(std::string_view bundle) {
  std::vector<std::string> out;
  while (!bundle.empty()) {
    if (bundle.size() < 2) {
      return MakeError(Code::kDataLoss, "bad_bundle",
                       "entry bundle ends inside a length");
    }
    const std::size_t n =
        (static_cast<std::size_t>(static_cast<unsigned char>(bundle[0])) << 8) |
        static_cast<unsigned char>(bundle[1]);
    bundle.remove_prefix(2);
    if (bundle.size() < n) {
      return MakeError(
          Code::kDataLoss, "bad_bundle",
          "entry bundle ends inside entry " + std::to_string(out.size()));
    }
    out.emplace_back(bundle.substr(0, n));
    bundle.remove_prefix(n);
  }
  return out;
}

Result<std::string> TileNodes::Tile(const TileRef& tile) const {
  const auto key = std::make_tuple(tile.level, tile.index, tile.width);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  auto bytes = fetch_(tile);
  if (!bytes.ok()) return bytes.error();
  if (bytes->size() != 32u * tile.width) {
    return MakeError(Code::kDataLoss, "bad_tile",
                     TilePath(tile) + " has " + std::to_string(bytes->size()) +
                         " bytes, want " + std::to_string(32u * tile.width));
  }
  cache_.emplace(key, *bytes);
  return bytes;
}

Result<Hash> TileNodes::Node(unsigned level, std::uint64_t index) const {
  const unsigned tile_level = level / kTileHeight;
  const unsigned height = level % kTileHeight;
  if (tile_level > kMaxTileLevel) return Internal("tree level out of range");
  // The subtree covers base-level nodes [first, first + 2^height), all in
  // one tile because tiles are aligned and 256 wide.
  const std::uint64_t first = index << height;
  const std::uint64_t count = std::uint64_t{1} << height;
  const std::uint64_t available = NodesAtTileLevel(tile_level, size_);
  if (first + count > available) {
    return Internal("node " + std::to_string(level) + "/" +
                    std::to_string(index) + " is not in the tree");
  }
  TileRef tile{false, tile_level, first / kTileWidth, kTileWidth};
  const std::uint64_t left_in_level = available - tile.index * kTileWidth;
  if (left_in_level < kTileWidth) {
    tile.width = static_cast<unsigned>(left_in_level);
  }
  auto bytes = Tile(tile);
  if (!bytes.ok()) return bytes.error();
  std::vector<Hash> row(count);
  const std::size_t offset = (first % kTileWidth) * 32;
  for (std::uint64_t i = 0; i < count; ++i) {
    std::copy_n(bytes->data() + offset + i * 32, 32, row[i].begin());
  }
  while (row.size() > 1) {
    std::vector<Hash> up(row.size() / 2);
    for (std::size_t i = 0; i < up.size(); ++i) {
      up[i] = NodeHash(row[2 * i], row[2 * i + 1]);
    }
    row = std::move(up);
  }
  return row[0];
}

}  // namespace fl
