// C2SP tlog-tiles served by `serve` (issue 13): /checkpoint and
// /tile/<L>/<N>[.p/<W>] are public like the proofs (hashes only);
// /tile/entries/<N>[.p/<W>] holds whole entries, so it follows the read
// scope of GET /v1/entries: an auditor token that may see every entry in
// the bundle. `fundledger tiles` writes the same bytes for a static server
// when an office chooses to publish the entries themselves.
#include "api/http/http_handlers.h"
#include "api/http/http_problem.h"
#include "ledger/division.h"
#include "ledger/tiles.h"

namespace fl::http {
namespace {

// tlog-tiles: full tiles never change; a partial one is replaced by longer
// ones as the log grows, and the checkpoint changes with every append.
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
// The same for bundles, which need a token: no shared cache may keep them.
constexpr std::string_view kImmutablePrivate =
    "private, max-age=31536000, immutable";
constexpr std::string_view kChanging = "no-cache";

HttpResponse Bytes(std::string body, std::string_view cache_control) {
  HttpResponse r;
  r.content_type = "application/octet-stream";
  r.body = std::move(body);
  r.headers.emplace_back("Cache-Control", std::string(cache_control));
  return r;
}

// 403 unless `token` may read every entry of the bundle.
std::optional<HttpResponse> MayReadBundle(ApiContext& ctx,
                                          const TokenInfo& token,
                                          const TileRef& tile) {
  if (token.role != "auditor") {
    return OutOfScope("entry bundles are for auditor tokens");
  }
  if (token.scope == "000000") return std::nullopt;
  const std::uint64_t start = tile.index * kTileWidth;
  for (std::uint64_t seq = start; seq < start + tile.width; ++seq) {
    auto division = ctx.ledger.EntryDivision(seq);
    if (!division.ok()) return Problem(division.error());
    if (!DivisionWithin(*division, token.scope)) {
      return OutOfScope("entry " + std::to_string(seq) + " lies outside " +
                        token.scope);
    }
  }
  return std::nullopt;
}

}  // namespace

HttpResponse HandleTileCheckpoint(ApiContext& ctx, const HttpRequest&) {
  HttpResponse r;
  r.content_type = "text/plain; charset=utf-8";
  r.body = NewestCheckpoint(ctx, &r);
  r.headers.emplace_back("Cache-Control", std::string(kChanging));
  return r;
}

HttpResponse HandleTile(ApiContext& ctx, const HttpRequest& req) {
  auto tile = ParseTilePath("tile/" + req.params.at("tile"));
  if (!tile.ok()) {
    return Problem(404, "not_found", tile.error().detail);
  }
  if (tile->entries) {
    TokenInfo token;
    if (auto denied = Authenticate(ctx, req, &token)) return *denied;
    if (auto denied = MayReadBundle(ctx, token, *tile)) return *denied;
  }
  auto bytes = ctx.ledger.Tile(*tile);
  if (!bytes.ok()) return Problem(bytes.error());
  const bool full = tile->width == kTileWidth;
  return Bytes(std::move(*bytes), !full           ? kChanging
                                  : tile->entries ? kImmutablePrivate
                                                  : kImmutable);
}

}  // namespace fl::http
