// `fundledger tiles`: the files it writes are enough for a client holding
// only them and the verifier key to check the checkpoint, the root and
// inclusion of every entry.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "binary_process.h"
#include "crypto/signed_note.h"
#include "ledger/checkpoint.h"
#include "ledger/tiles.h"
#include "test_util.h"
#include "test_world.h"

namespace fl::test {
namespace {

namespace fs = std::filesystem;

TEST_CASE("tiles command: static files verify from the checkpoint down",
          "[transparency]") {
  World w;
  for (int i = 0; i < 300; ++i) {
    w.AddAgency("au-" + std::to_string(1000 + i), "auditor", "530000");
  }
  const std::uint64_t size = w.ledger().TreeSize();
  REQUIRE(size > 300);
  const std::string verifier_key = w.ledger().Info().verifier_key;
  w.Close();

  TempDir out;
  auto run = RunBinary("tiles --data '" + w.dir() + "' --out '" + out.str() +
                       "/site'");
  INFO(run.err);
  REQUIRE(run.status == 0);
  const fs::path site = out.path() / "site";

  auto verifier = ParseVerifierKey(verifier_key);
  REQUIRE(verifier.ok());
  auto cp = OpenCheckpoint(ReadFile(site / "checkpoint"), *verifier);
  REQUIRE(cp.ok());
  CHECK(cp->size == size);

  TileNodes client(
      [&](const TileRef& tile) -> Result<std::string> {
        const fs::path p = site / TilePath(tile);
        if (!fs::exists(p)) return Internal("missing " + TilePath(tile));
        return ReadFile(p);
      },
      size);
  auto root = RootAt(client, size);
  REQUIRE(root.ok());
  CHECK(*root == cp->root);

  // Every entry from the bundles is included under the checkpoint.
  std::uint64_t seq = 0;
  for (std::uint64_t b = 0; b * kTileWidth < size; ++b) {
    const auto width = static_cast<unsigned>(
        std::min<std::uint64_t>(kTileWidth, size - b * kTileWidth));
    auto entries =
        DecodeEntryBundle(ReadFile(site / TilePath({true, 0, b, width})));
    REQUIRE(entries.ok());
    REQUIRE(entries->size() == width);
    for (const auto& e : *entries) {
      auto proof = InclusionProof(client, seq, size);
      REQUIRE(proof.ok());
      CHECK(VerifyInclusion(LeafHash(e), seq, size, *proof, cp->root));
      ++seq;
    }
  }
  CHECK(seq == size);
}

}  // namespace
}  // namespace fl::test
