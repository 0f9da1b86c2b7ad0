#include "api/cli/mirror_follower.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "api/client/http_client.h"
#include "crypto/encoding.h"
#include "ledger/canonical_json.h"
#include "ledger/checkpoint.h"
#include "ledger/entry.h"
#include "ledger/merkle.h"
#include "ledger/proofs.h"
#include "ledger/tiles.h"

namespace fl::cli {
namespace {

namespace fs = std::filesystem;

// Entries stored per synced write while catching up: bounded memory and
// a bounded loss (one chunk) if the process dies.
constexpr std::uint64_t kChunkEntries = 16 * kTileWidth;

class HttpSource final : public TileSource {
 public:
  HttpSource(http::Url url, std::string token)
      : url_(std::move(url)),
        token_(std::move(token)),
        client_(url_.host, url_.port) {}
  Result<std::string> Get(const std::string& path) override {
    const std::string target = url_.base_path + "/" + path;
    http::ClientResponse r;
    try {
      // Only entry bundles need the token; hashes and the checkpoint are
      // public and are asked without it.
      bool bundle = path.rfind("tile/entries/", 0) == 0;
      r = client_.Get(target, bundle ? token_ : std::string());
    } catch (const std::exception& e) {
      return MakeError(Code::kUnavailable, "unavailable",
                       "GET " + target + ": " + e.what());
    }
    if (r.status == 200) return std::move(r.body);
    Code code = r.status == 404 ? Code::kNotFound : Code::kUnavailable;
    if (r.status == 401 || r.status == 403) code = Code::kUnauthenticated;
    return MakeError(code, "fetch_failed",
                     "GET " + target + ": HTTP " + std::to_string(r.status) +
                         (r.status == 401 || r.status == 403
                              ? " (entry bundles need an auditor token that "
                                "may see every entry: --token)"
                              : ""));
  }

 private:
  http::Url url_;
  std::string token_;
  http::Client client_;
};

class DirSource final : public TileSource {
 public:
  explicit DirSource(std::string dir) : dir_(std::move(dir)) {}
  Result<std::string> Get(const std::string& path) override {
    const std::string file = dir_ + "/" + path;
    std::ifstream in(file, std::ios::binary);
    if (!in) return MakeError(Code::kNotFound, "not_found", "no " + file);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::string dir_;
};

std::string Hex(const Hash& h) { return HexEncode(AsBytes(h)); }

Status WriteText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Internal("cannot write " + path.string());
  return Status::Ok();
}

Error Refused(const std::string& detail) {
  return MakeError(Code::kDataLoss, "mirror_refused", detail);
}

}  // namespace

Result<std::unique_ptr<TileSource>> TileSource::Make(const std::string& from,
                                                     const std::string& token) {
  if (from.rfind("http://", 0) == 0 || from.rfind("https://", 0) == 0) {
    auto url = http::ParseUrl(from);
    if (!url.ok()) return url.error();
    return std::unique_ptr<TileSource>(
        std::make_unique<HttpSource>(*url, token));
  }
  std::error_code ec;
  if (!fs::is_directory(from, ec)) {
    return MakeError(
        Code::kInvalidArgument, "invalid_field",
        "--from must be an http:// URL or a directory of tiles: " + from);
  }
  return std::unique_ptr<TileSource>(std::make_unique<DirSource>(from));
}

Follower::Follower(Ledger& ledger, std::string dir,
                   std::unique_ptr<TileSource> source, std::string source_name)
    : ledger_(ledger),
      dir_(std::move(dir)),
      source_(std::move(source)),
      source_name_(std::move(source_name)) {}

Result<FollowResult> Follower::Fork(const std::string& new_note,
                                    const std::string& reason, FollowResult r) {
  // Both notes are signed by the pinned key: together they prove the log
  // showed two histories. Written before anything else is said about it.
  const fs::path fork = fs::path(dir_) / kForkDir;
  std::error_code ec;
  fs::create_directories(fork, ec);
  if (ec) return Internal("cannot create " + fork.string());
  FL_RETURN_IF_ERROR(
      WriteText(fork / "held-checkpoint", ledger_.LatestCheckpoint()));
  FL_RETURN_IF_ERROR(WriteText(fork / "new-checkpoint", new_note));
  Json info = {{"reason", reason},
               {"source", source_name_},
               {"held_tree_size", ledger_.TreeSize()},
               {"detected_at", NowTimestamp()}};
  FL_RETURN_IF_ERROR(WriteText(fork / "fork.json", info.dump(2) + "\n"));
  r.fork = true;
  r.fork_reason = reason;
  return r;
}

Result<FollowResult> Follower::Step() {
  FollowResult r;
  r.from = r.to = ledger_.TreeSize();
  const LedgerInfo info = ledger_.Info();
  auto verifier = ParseVerifierKey(info.verifier_key);
  if (!verifier.ok()) return verifier.error();

  auto note = source_->Get("checkpoint");
  if (!note.ok()) return note.error();
  // An unsigned or wrongly signed note proves nothing: refuse, no fork.
  auto cp = OpenCheckpoint(*note, *verifier);
  if (!cp.ok()) {
    return Refused("checkpoint is not signed by the pinned key " +
                   info.verifier_key + ": " + cp.error().detail);
  }
  const std::uint64_t n = r.from;

  if (cp->size <= n) {
    auto ours = ledger_.RootAt(cp->size);
    if (!ours.ok()) return ours.error();
    if (*ours != cp->root) {
      return Fork(*note,
                  "a checkpoint of size " + std::to_string(cp->size) +
                      " signs root " + Hex(cp->root) +
                      " but the entries held give " + Hex(*ours),
                  r);
    }
    return r;  // up to date (or the source is behind what is held)
  }

  // The hash tiles must give the signed root before anything is trusted.
  TileNodes nodes(
      [&](const TileRef& t) -> Result<std::string> {
        auto bytes = source_->Get(TilePath(t));
        if (!bytes.ok()) return bytes.error();
        if (bytes->size() != std::size_t{t.width} * 32) {
          return Refused(TilePath(t) + " holds " +
                         std::to_string(bytes->size()) + " bytes, not " +
                         std::to_string(t.width * 32));
        }
        return bytes;
      },
      cp->size);
  auto tile_root = RootAt(nodes, cp->size);
  if (!tile_root.ok()) return tile_root.error();
  if (*tile_root != cp->root) {
    return Refused("the hash tiles give root " + Hex(*tile_root) +
                   " for size " + std::to_string(cp->size) +
                   ", not the signed checkpoint's " + Hex(cp->root) +
                   " (a tampered or stale tile)");
  }
  if (n > 0) {
    // Is the signed tree an extension of the one held? The proof comes
    // from tiles that give the signed root, so if it also verifies for
    // the tiles' own older root, the tiles are right and a different
    // older root means the log rewrote what this mirror holds.
    auto proof = ConsistencyProof(nodes, n, cp->size);
    if (!proof.ok()) return proof.error();
    auto tiles_old = RootAt(nodes, n);
    if (!tiles_old.ok()) return tiles_old.error();
    if (!VerifyConsistency(n, cp->size, *tiles_old, cp->root, *proof)) {
      return Refused(
          "the hash tiles are not consistent with themselves "
          "between sizes " +
          std::to_string(n) + " and " + std::to_string(cp->size));
    }
    auto ours = ledger_.RootAt(n);
    if (!ours.ok()) return ours.error();
    if (*tiles_old != *ours) {
      return Fork(*note,
                  "the checkpoint of size " + std::to_string(cp->size) +
                      " is not consistent with the " + std::to_string(n) +
                      " entries held: its tree has root " + Hex(*tiles_old) +
                      " at size " + std::to_string(n) + ", the mirror " +
                      Hex(*ours),
                  r);
    }
  }

  // Entries from their bundles, each matched to its leaf hash in tile 0,
  // stored a chunk at a time by the mirror ledger's own checks.
  std::vector<std::string> chunk;
  std::uint64_t seq = n;
  while (seq < cp->size) {
    const std::uint64_t b = seq / kTileWidth;
    TileRef bundle{true, 0, b,
                   static_cast<unsigned>(std::min<std::uint64_t>(
                       kTileWidth, cp->size - b * kTileWidth))};
    const std::string path = TilePath(bundle);
    auto bytes = source_->Get(path);
    if (!bytes.ok()) return bytes.error();
    auto entries = DecodeEntryBundle(*bytes);
    if (!entries.ok() || entries->size() != bundle.width) {
      return Refused(path + " does not hold " + std::to_string(bundle.width) +
                     " entries");
    }
    for (std::uint64_t i = seq - b * kTileWidth; i < bundle.width; ++i, ++seq) {
      std::string& e = (*entries)[i];
      auto leaf = nodes.Node(0, seq);
      if (!leaf.ok()) return leaf.error();
      if (LeafHash(e) != *leaf) {
        TileRef hashes{false, 0, b, bundle.width};
        return Refused("entry " + std::to_string(seq) + " in " + path +
                       " does not match its hash in " + TilePath(hashes));
      }
      chunk.push_back(std::move(e));
    }
    if (chunk.size() >= kChunkEntries || seq == cp->size) {
      Status s = ledger_.AppendMirrored(chunk, *note);
      if (!s.ok()) {
        Error e = s.error();
        e.detail = "refused (source " + source_name_ + "): " + e.detail;
        return e;
      }
      chunk.clear();
      r.to = ledger_.TreeSize();
      if (progress) progress(r.to, cp->size);
    }
  }
  return r;
}

}  // namespace fl::cli
