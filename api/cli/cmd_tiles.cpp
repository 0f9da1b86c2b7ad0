// `fundledger tiles --data DIR --out DIR2`: the log as C2SP tlog-tiles
// static files (checkpoint, tile/<L>/..., tile/entries/...) that any web
// server can serve. Tiles are recomputed from the entries, not copied from
// the tree family, and the root must match the signed checkpoint before
// anything is called done.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "ledger/checkpoint.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"
#include "ledger/tiles.h"

namespace fl::cli {
namespace {

namespace fs = std::filesystem;

void WriteFile(const fs::path& root, const std::string& rel,
               const std::string& bytes) {
  const fs::path path = root / rel;
  fs::create_directories(path.parent_path());
  // Write then rename so a web server never serves half a tile.
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, path);
}

}  // namespace

int Tiles(const Args& args) {
  LedgerOptions options;
  options.read_only = true;  // works beside a running server
  auto ledger = Take(Ledger::Open(args.Required("data"), options));
  const fs::path out = args.Required("out");

  // The checkpoint decides the size; entries appended meanwhile wait for
  // the next run.
  const std::string note = ledger->LatestCheckpoint();
  const auto verifier = Take(ParseVerifierKey(ledger->Info().verifier_key));
  const Checkpoint cp = Take(OpenCheckpoint(note, verifier));

  // One buffer per tile level: hashes of tree level 8L as they complete.
  std::vector<std::string> levels(kMaxTileLevel + 1);
  std::vector<std::uint64_t> next_index(kMaxTileLevel + 1, 0);
  std::string bundle;
  std::uint64_t bundle_index = 0;
  unsigned bundle_count = 0;
  std::uint64_t files = 0;
  auto flush_level = [&](unsigned level) {
    const auto width = static_cast<unsigned>(levels[level].size() / 32);
    WriteFile(out, TilePath({false, level, next_index[level], width}),
              levels[level]);
    ++files;
    levels[level].clear();
    ++next_index[level];
  };
  auto flush_bundle = [&] {
    WriteFile(out, TilePath({true, 0, bundle_index, bundle_count}), bundle);
    ++files;
    bundle.clear();
    bundle_count = 0;
    ++bundle_index;
  };

  CompactRange range;
  Check(ledger->ForEachEntry(
      0, cp.size, [&](std::uint64_t, std::string_view entry) {
        bundle += Take(EncodeEntryBundle({std::string(entry)}));
        if (++bundle_count == kTileWidth) flush_bundle();
        range.Append(LeafHash(entry),
                     [&](unsigned level, std::uint64_t, const Hash& h) {
                       if (level % kTileHeight != 0) return;
                       const unsigned tile_level = level / kTileHeight;
                       levels[tile_level] += AsBytes(h);
                       if (levels[tile_level].size() == 32u * kTileWidth)
                         flush_level(tile_level);
                     });
        return true;
      }));
  if (range.size() != cp.size) {
    throw std::runtime_error("read " + std::to_string(range.size()) +
                             " entries, checkpoint says " +
                             std::to_string(cp.size));
  }
  if (range.Root() != cp.root) {
    throw std::runtime_error("recomputed root differs from the checkpoint");
  }
  if (bundle_count > 0) flush_bundle();
  for (unsigned level = 0; level <= kMaxTileLevel; ++level) {
    if (!levels[level].empty()) flush_level(level);
  }
  // The checkpoint last: a reader that sees it finds every tile it names.
  WriteFile(out, "checkpoint", note);
  std::printf("{\"tree_size\":%llu,\"files\":%llu}\n",
              static_cast<unsigned long long>(cp.size),
              static_cast<unsigned long long>(files + 1));
  return 0;
}

}  // namespace fl::cli
