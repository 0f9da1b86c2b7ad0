// tlog-tiles: canonical paths, entry bundles, and a client that holds only
// the tiles written from stored nodes recomputing roots and inclusion proofs.
#include "ledger/tiles.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "ledger/merkle.h"

namespace fl {
namespace {

// Complete-subtree hashes as the tree family holds them, in memory.
class MapNodes final : public NodeSource {
 public:
  Result<Hash> Node(unsigned level, std::uint64_t index) const override {
    auto it = nodes.find({level, index});
    if (it == nodes.end()) return Internal("missing node");
    return it->second;
  }
  std::map<std::pair<unsigned, std::uint64_t>, Hash> nodes;
};

struct Tree {
  MapNodes nodes;
  CompactRange range;
  std::vector<Hash> leaves;
};

Tree Grow(std::uint64_t size) {
  Tree t;
  for (std::uint64_t i = 0; i < size; ++i) {
    const Hash leaf = LeafHash("entry " + std::to_string(i));
    t.leaves.push_back(leaf);
    t.range.Append(leaf,
                   [&](unsigned level, std::uint64_t index, const Hash& h) {
                     t.nodes.nodes[{level, index}] = h;
                   });
  }
  return t;
}

// What `fundledger tiles` writes: path -> bytes for every hash tile.
std::map<std::string, std::string> WriteTiles(const NodeSource& nodes,
                                              std::uint64_t size) {
  std::map<std::string, std::string> files;
  for (const TileRef& tile : TilesForSize(size)) {
    if (tile.entries) continue;
    auto bytes = HashTile(nodes, tile);
    REQUIRE(bytes.ok());
    files[TilePath(tile)] = *bytes;
  }
  return files;
}

TEST_CASE("tiles: paths are the spec's and only canonical ones parse",
          "[transparency]") {
  CHECK(TilePath({false, 0, 1234067, 256}) == "tile/0/x001/x234/067");
  CHECK(TilePath({false, 1, 0, 256}) == "tile/1/000");
  CHECK(TilePath({false, 2, 1000, 17}) == "tile/2/x001/000.p/17");
  CHECK(TilePath({true, 0, 5, 3}) == "tile/entries/005.p/3");
  for (const TileRef& t :
       {TileRef{false, 0, 1234067, 256}, TileRef{true, 0, 999, 1},
        TileRef{false, 7, UINT64_MAX / 256, 255}}) {
    auto parsed = ParseTilePath(TilePath(t));
    REQUIRE(parsed.ok());
    CHECK(*parsed == t);
  }
  for (const char* bad :
       {"tile/0/1", "tile/0/x000/001", "tile/0/001.p/0", "tile/0/001.p/256",
        "tile/0/001.p/05", "tile/8/000", "tile/00/000", "tile/0/x001",
        "tile/entries/0a1", "tile/0/001/", "tiles/0/001", "tile/0/001.p/"}) {
    INFO(bad);
    auto parsed = ParseTilePath(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == fl::Code::kNotFound);
  }
}

TEST_CASE("tiles: tile set and membership follow the tree size",
          "[transparency]") {
  CHECK(TilesForSize(0).empty());
  const auto tiles = TilesForSize(70000);
  // entries: 273 full + 1 partial (112); level 0 the same; level 1: 1 full
  // + 1 partial (17); level 2: one partial of width 1.
  CHECK(tiles.size() == 274 + 274 + 2 + 1);
  CHECK(TileInTree({false, 1, 1, 17}, 70000));
  CHECK_FALSE(TileInTree({false, 1, 1, 18}, 70000));
  CHECK_FALSE(TileInTree({false, 1, 1, 256}, 70000));
  CHECK(TileInTree({true, 0, 273, 112}, 70000));
  CHECK_FALSE(TileInTree({true, 0, 274, 1}, 70000));
}

TEST_CASE("tiles: a tiles-only client recomputes roots and proofs",
          "[transparency]") {
  std::mt19937_64 rng(13);
  for (std::uint64_t size :
       {std::uint64_t{1}, std::uint64_t{255}, std::uint64_t{256},
        std::uint64_t{257}, std::uint64_t{65536 + 300}, std::uint64_t{70001}}) {
    INFO("size " << size);
    Tree tree = Grow(size);
    const auto files = WriteTiles(tree.nodes, size);
    std::size_t fetches = 0;
    TileNodes client(
        [&](const TileRef& tile) -> Result<std::string> {
          ++fetches;
          auto it = files.find(TilePath(tile));
          if (it == files.end()) return Internal("no file " + TilePath(tile));
          return it->second;
        },
        size);
    auto root = RootAt(client, size);
    REQUIRE(root.ok());
    CHECK(*root == tree.range.Root());
    for (int k = 0; k < 20; ++k) {
      const std::uint64_t i = rng() % size;
      auto proof = InclusionProof(client, i, size);
      REQUIRE(proof.ok());
      CHECK(VerifyInclusion(tree.leaves[i], i, size, *proof, *root));
    }
    CHECK(fetches <= files.size());  // each tile fetched once at most

    // One flipped bit in leaf 1's hash breaks leaf 0's proof (its sibling)
    // against the root computed from the untouched tiles.
    if (size < 2) continue;
    auto tampered = files;
    const TileRef first{
        false, 0, 0, static_cast<unsigned>(std::min<std::uint64_t>(size, 256))};
    tampered.at(TilePath(first))[32] ^= 1;
    TileNodes bad(
        [&](const TileRef& tile) -> Result<std::string> {
          return tampered.at(TilePath(tile));
        },
        size);
    auto bad_proof = InclusionProof(bad, 0, size);
    REQUIRE(bad_proof.ok());
    CHECK_FALSE(VerifyInclusion(tree.leaves[0], 0, size, *bad_proof, *root));
  }
}

TEST_CASE("tiles: a short tile is refused, not padded", "[transparency]") {
  Tree tree = Grow(300);
  TileNodes client(
      [&](const TileRef&) -> Result<std::string> {
        return std::string(31, 'a');
      },
      300);
  auto root = RootAt(client, 300);
  REQUIRE_FALSE(root.ok());
  CHECK(root.error().reason == "bad_tile");
}

TEST_CASE("tiles: entry bundles are uint16-length-prefixed entries",
          "[transparency]") {
  const std::vector<std::string> entries = {"{\"seq\":0}", "",
                                            std::string(300, 'z')};
  auto bundle = EncodeEntryBundle(entries);
  REQUIRE(bundle.ok());
  CHECK(bundle->size() == 2 * 3 + 9 + 0 + 300);
  CHECK(bundle->substr(0, 2) == std::string("\x00\x09", 2));
  auto back = DecodeEntryBundle(*bundle);
  REQUIRE(back.ok());
  CHECK(*back == entries);
  auto cut = DecodeEntryBundle(
      std::string_view(*bundle).substr(0, bundle->size() - 1));
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error().reason == "bad_bundle");
  auto big = EncodeEntryBundle({std::string(65536, 'x')});
  CHECK_FALSE(big.ok());
}

}  // namespace
}  // namespace fl
