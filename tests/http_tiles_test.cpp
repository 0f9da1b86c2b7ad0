// `serve` answers C2SP tlog-tiles (issue 13): /checkpoint and /tile/...
// give a client holding only the verifier key everything it needs to check
// the root and every entry, byte for byte the files `fundledger tiles`
// writes from the entries.
#include <catch2/catch.hpp>
#include <filesystem>

#include "binary_process.h"
#include "crypto/encoding.h"
#include "http_fixture.h"
#include "ledger/merkle.h"
#include "ledger/proofs.h"
#include "ledger/tiles.h"
#include "test_util.h"

namespace fl::test {
namespace {

namespace fs = std::filesystem;

TEST_CASE("serve answers tlog-tiles that verify from the checkpoint down",
          "[http][transparency]") {
  HttpWorld w;
  std::vector<Json> batch;
  for (int i = 0; i < 600; ++i) {
    batch.push_back(w.Envelope("b-" + std::to_string(i), "budget.appropriated",
                               "cz-530000",
                               Budget("lot-" + std::to_string(i), "530000")));
  }
  REQUIRE(w.world().AppendBatch(batch).ok());
  const std::uint64_t size = w.ledger().TreeSize();
  REQUIRE(size > 2 * kTileWidth);

  auto cp_resp = w.Get("/checkpoint");
  REQUIRE(cp_resp.status == 200);
  CHECK(cp_resp.header("cache-control") == "no-cache");
  Checkpoint cp = w.OpenCp(cp_resp.body);
  REQUIRE(cp.size == size);

  // The same files, computed by the command from the entries.
  TempDir out;
  auto run = RunBinary("tiles --data '" + w.world().dir() + "' --out '" +
                       out.str() + "/site'");
  INFO(run.err);
  REQUIRE(run.status == 0);
  const fs::path site = out.path() / "site";

  for (const TileRef& tile : TilesForSize(size)) {
    const std::string path = "/" + TilePath(tile);
    INFO(path);
    auto r = tile.entries ? w.Get(path, w.auditor()) : w.Get(path);
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type") == "application/octet-stream");
    CHECK(r.body == ReadFile(site / TilePath(tile)));
    const bool full = tile.width == kTileWidth;
    CHECK(r.header("cache-control") ==
          (!full          ? "no-cache"
           : tile.entries ? "private, max-age=31536000, immutable"
                          : "public, max-age=31536000, immutable"));
  }

  // A client that holds only tiles fetched over HTTP proves the root and
  // the inclusion of entries read from the bundles.
  http::Client client = w.NewClient();
  TileNodes nodes(
      [&](const TileRef& tile) -> Result<std::string> {
        auto r = client.Get("/" + TilePath(tile));
        if (r.status != 200) return Internal("tile " + TilePath(tile));
        return r.body;
      },
      size);
  auto root = RootAt(nodes, size);
  REQUIRE(root.ok());
  CHECK(*root == cp.root);
  auto bundle = w.Get("/tile/entries/001", w.auditor());
  REQUIRE(bundle.status == 200);
  auto entries = DecodeEntryBundle(bundle.body);
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == kTileWidth);
  for (std::uint64_t seq : {256u, 300u, 511u}) {
    const std::string& entry = (*entries)[seq - kTileWidth];
    auto stored = w.ledger().EntryAt(seq);
    REQUIRE(stored.ok());
    CHECK(entry == *stored);
    auto proof = InclusionProof(nodes, seq, size);
    REQUIRE(proof.ok());
    CHECK(VerifyInclusion(LeafHash(entry), seq, size, *proof, cp.root));
  }
}

TEST_CASE("tile requests outside the tree, the path form or the scope fail",
          "[http][transparency]") {
  HttpWorld w;
  const std::uint64_t size = w.ledger().TreeSize();
  REQUIRE(size < kTileWidth);
  const std::string partial = "/tile/0/000.p/" + std::to_string(size);
  CHECK(w.Get(partial).status == 200);
  // An older, narrower partial tile is a prefix of the current one.
  auto narrow = w.Get("/tile/0/000.p/1");
  REQUIRE(narrow.status == 200);
  CHECK(narrow.body == w.Get(partial).body.substr(0, 32));
  CHECK(w.Get("/tile/0/000.p/" + std::to_string(size + 1)).status == 404);
  CHECK(w.Get("/tile/0/000").status == 404);      // not full yet
  CHECK(w.Get("/tile/0/001.p/1").status == 404);  // past the tree
  CHECK(w.Get("/tile/1/000.p/1").status == 404);  // no level-8 node yet
  CHECK(w.Get("/tile/0/0").status == 404);        // not canonical
  CHECK(w.Get("/tile/0/x000/000.p/1").status == 404);
  CHECK(w.Get("/tile/8/000.p/1").status == 404);
  CHECK(w.Get("/tile/").status == 404);

  // Entry bundles hold whole entries: read scope as GET /v1/entries.
  const std::string bundle = "/tile/entries/000.p/" + std::to_string(size);
  CHECK(w.Get(bundle).status == 401);
  CHECK(w.Get(bundle, w.MustToken({"finance", "000000", ""})).status == 403);
  CHECK(w.Get(bundle, w.MustToken({"auditor", "530621", ""})).status == 403);
  auto ok = w.Get(bundle, w.auditor());
  REQUIRE(ok.status == 200);
  auto entries = DecodeEntryBundle(ok.body);
  REQUIRE(entries.ok());
  CHECK(entries->size() == size);
}

}  // namespace
}  // namespace fl::test
