// Reads: the public verification routes (ledger, checkpoint, proofs),
// entries for token holders, and operations (/healthz, /metrics).
#include <unistd.h>

#include <cctype>
#include <optional>

#include "api/http/http_handlers.h"
#include "api/http/http_problem.h"
#include "crypto/encoding.h"
#include "ledger/division.h"
#include "ledger/limits.h"
#include "ledger/proof_file.h"
#include "ledger/proofs.h"
#include "replay/projections.h"

namespace fl::http {
namespace {

// API.md: GET /v1/entries returns up to 1000 entries.
constexpr std::uint64_t kMaxEntries = limits::kMaxEntriesPage;
constexpr std::uint64_t kDefaultEntries = 100;

Json HexList(const std::vector<Hash>& hashes) {
  Json out = Json::array();
  for (const auto& h : hashes) out.push_back(HexEncode(AsBytes(h)));
  return out;
}

// A non-negative decimal integer parameter (query or path). Absent gives
// `fallback` when there is one, else 400 missing_field.
struct NumberParam {
  std::uint64_t value = 0;
  std::optional<HttpResponse> error;
};

NumberParam Number(const std::map<std::string, std::string>& from,
                   const std::string& name,
                   std::optional<std::uint64_t> fallback = std::nullopt) {
  NumberParam out;
  auto it = from.find(name);
  if (it == from.end()) {
    if (fallback) {
      out.value = *fallback;
    } else {
      out.error = Problem(400, "missing_field", name + " is required");
    }
    return out;
  }
  const std::string& s = it->second;
  bool digits = !s.empty() && s.size() <= 19;
  for (char c : s) digits &= std::isdigit(static_cast<unsigned char>(c)) != 0;
  if (!digits) {
    out.error = Problem(400, "invalid_field",
                        name + " must be a non-negative decimal integer");
    return out;
  }
  out.value = std::stoull(s);
  return out;
}

// Whether `token` may read `entry` (docs/spec-notes.md, "HTTP").
bool MaySee(ApiContext& ctx, const TokenInfo& token, const Json& entry) {
  if (token.role == "agency") {
    const Json& event = entry.at("event");
    return event.value("agency", std::string()) == token.agency;
  }
  if (token.scope == "000000") return true;
  return DivisionWithin(ctx.scope.DivisionOf(entry), token.scope);
}

Json EntryJson(std::uint64_t seq, const std::string& text, Json entry) {
  return {{"seq", seq},
          {"entry", std::move(entry)},
          {"leaf_hash", HexEncode(AsBytes(LeafHash(text)))}};
}

}  // namespace

std::optional<HttpResponse> Authenticate(ApiContext& ctx,
                                         const HttpRequest& req,
                                         TokenInfo* out) {
  std::string_view h = req.authorization;
  constexpr std::string_view kScheme = "bearer ";
  bool bearer = h.size() > kScheme.size();
  for (std::size_t i = 0; bearer && i < kScheme.size(); ++i) {
    bearer = std::tolower(static_cast<unsigned char>(h[i])) == kScheme[i];
  }
  if (!bearer) {
    return Problem(401, "unauthenticated",
                   "this route needs Authorization: Bearer <token>");
  }
  std::string_view token = h.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  auto info = ctx.tokens.Lookup(token);
  if (!info) return Problem(401, "unauthenticated", "unknown token");
  *out = *info;
  return std::nullopt;
}

HttpResponse OutOfScope(std::string detail) {
  return Problem(403, "out_of_scope", std::move(detail));
}

HttpResponse HandleLedger(ApiContext& ctx, const HttpRequest&) {
  LedgerInfo info = ctx.ledger.Info();
  return JsonResponse(200, {{"name", info.name},
                            {"origin", info.origin},
                            {"verifier_key", info.verifier_key},
                            {"tree_size", info.tree_size}});
}

HttpResponse HandleCheckpoint(ApiContext& ctx, const HttpRequest&) {
  HttpResponse r;
  r.content_type = "text/plain; charset=utf-8";
  r.body = NewestCheckpoint(ctx, &r);
  return r;
}

HttpResponse HandleInclusion(ApiContext& ctx, const HttpRequest& req) {
  auto seq = Number(req.query, "seq");
  if (seq.error) return *seq.error;
  auto size = Number(req.query, "tree_size", ctx.ledger.TreeSize());
  if (size.error) return *size.error;
  auto proof = ctx.ledger.InclusionProof(seq.value, size.value);
  if (!proof.ok()) return Problem(proof.error());
  return JsonResponse(200, {{"leaf_index", seq.value},
                            {"tree_size", size.value},
                            {"hashes", HexList(*proof)}});
}

HttpResponse HandleConsistency(ApiContext& ctx, const HttpRequest& req) {
  auto first = Number(req.query, "first");
  if (first.error) return *first.error;
  auto second = Number(req.query, "second", ctx.ledger.TreeSize());
  if (second.error) return *second.error;
  auto proof = ctx.ledger.ConsistencyProof(first.value, second.value);
  if (!proof.ok()) return Problem(proof.error());
  return JsonResponse(200, {{"first", first.value},
                            {"second", second.value},
                            {"hashes", HexList(*proof)}});
}

// C2SP tlog-proof of one entry under the newest checkpoint. Public like the
// inclusion proof; the entry itself rides along (`extra`) only for a token
// that may read it.
HttpResponse HandleProofFile(ApiContext& ctx, const HttpRequest& req) {
  auto seq = Number(req.query, "seq");
  if (seq.error) return *seq.error;
  bool with_entry = false;
  if (!req.authorization.empty()) {
    TokenInfo token;
    if (auto denied = Authenticate(ctx, req, &token)) return *denied;
    auto text = ctx.ledger.EntryAt(seq.value);
    if (text.ok()) with_entry = MaySee(ctx, token, Json::parse(*text));
  }
  // Under the witnessed checkpoint when one covers the entry: that is the
  // file worth keeping. Otherwise the newest, which has no quorum yet.
  std::optional<WitnessedCheckpoint::View> w;
  if (ctx.witnessed) w = ctx.witnessed->Get();
  const bool witnessed = w && w->size > seq.value;
  auto file =
      witnessed ? MakeProofFileUnder(ctx.ledger, seq.value, with_entry, w->note)
                : MakeProofFile(ctx.ledger, seq.value, with_entry);
  if (!file.ok()) return Problem(file.error());
  HttpResponse r;
  if (ctx.witnessed) {
    r.headers.emplace_back(std::string(kWitnessedHeader),
                           witnessed ? "true" : "false");
  }
  r.content_type = "text/plain; charset=utf-8";
  r.body = FormatProofFile(*file);
  return r;
}

HttpResponse HandleEntry(ApiContext& ctx, const HttpRequest& req) {
  TokenInfo token;
  if (auto denied = Authenticate(ctx, req, &token)) return *denied;
  auto seq = Number(req.params, "seq");
  if (seq.error) return *seq.error;
  auto text = ctx.ledger.EntryAt(seq.value);
  if (!text.ok()) return Problem(text.error());
  Json entry = Json::parse(*text);
  if (!MaySee(ctx, token, entry)) {
    return OutOfScope("entry " + std::to_string(seq.value) +
                      " is outside this token's scope");
  }
  return JsonResponse(200, EntryJson(seq.value, *text, std::move(entry)));
}

HttpResponse HandleEntries(ApiContext& ctx, const HttpRequest& req) {
  TokenInfo token;
  if (auto denied = Authenticate(ctx, req, &token)) return *denied;
  if (token.role != "auditor") {
    return OutOfScope("listing entries is for auditor tokens");
  }
  auto start = Number(req.query, "start", 0);
  if (start.error) return *start.error;
  auto limit = Number(req.query, "limit", kDefaultEntries);
  if (limit.error) return *limit.error;
  if (limit.value == 0 || limit.value > kMaxEntries) {
    return Problem(400, "invalid_field",
                   "limit must be 1.." + std::to_string(kMaxEntries));
  }
  // Fixed now, so `next` is consistent with what this page examined.
  const std::uint64_t size = ctx.ledger.TreeSize();
  Json entries = Json::array();
  std::uint64_t seq = start.value;
  const std::uint64_t end = start.value >= size
                                ? start.value
                                : std::min(size, start.value + limit.value);
  // API.md (amended 2026-12): a page also stops at 4 MiB of entries, so
  // 1000 entries near the 64 KiB entry limit cannot make a 64 MiB answer;
  // `next` then points at the first entry left out.
  std::size_t bytes = 0;
  for (; seq < end; ++seq) {
    auto text = ctx.ledger.EntryAt(seq);
    if (!text.ok()) return Problem(text.error());
    Json entry = Json::parse(*text);
    // A token scoped below the whole country sees its divisions' entries
    // only; `next` still advances past the ones it may not see.
    if (!MaySee(ctx, token, entry)) continue;
    if (!entries.empty() &&
        bytes + text->size() > limits::kMaxEntriesPageBytes) {
      break;
    }
    bytes += text->size();
    entries.push_back(EntryJson(seq, *text, std::move(entry)));
  }
  Json next = seq < size ? Json(seq) : Json(nullptr);
  return JsonResponse(200, {{"entries", std::move(entries)}, {"next", next}});
}

HttpResponse HandleHealth(ApiContext& ctx, const HttpRequest&) {
  // The store is open while the server runs; writable means the data
  // directory still accepts writes (e.g. not remounted read-only) and the
  // last group write did not fail (disk full, I/O error) or the store has
  // taken a write since.
  if (!ctx.data_dir.empty() && ::access(ctx.data_dir.c_str(), W_OK) != 0) {
    return Problem(503, "storage_unavailable",
                   "the data directory is not writable");
  }
  // A mirror that caught a fork keeps serving what it held, but is not
  // healthy: DIR/fork/ holds the evidence (docs/transparency.md).
  if (ctx.ledger.IsMirror() && !ctx.data_dir.empty() &&
      ::access((ctx.data_dir + "/fork").c_str(), F_OK) == 0) {
    return Problem(503, "fork_detected",
                   "this mirror saw two signed histories of its log and "
                   "stopped following; evidence in its data directory's "
                   "fork/");
  }
  Status storage = ctx.ledger.StorageHealth();
  if (!storage.ok()) return Problem(storage.error());
  Json body = {{"status", "ok"}, {"tree_size", ctx.ledger.TreeSize()}};
  if (ctx.ledger.IsMirror()) body["mirror_of"] = ctx.ledger.Info().origin;
  // A projection worker that keeps failing does not stop appends or
  // proofs, so the server stays healthy, but says so (docs/spec-notes.md).
  if (ctx.projections) {
    auto statuses = ctx.projections->Statuses();
    if (!statuses.empty() && !statuses.front().error.empty()) {
      body["status"] = "degraded";
      body["projections_error"] = statuses.front().error;
    }
  }
  return JsonResponse(200, body);
}

HttpResponse HandleMetrics(ApiContext& ctx, const HttpRequest& req) {
  // API.md: public on loopback; from elsewhere an auditor token.
  if (!req.loopback) {
    TokenInfo token;
    if (auto denied = Authenticate(ctx, req, &token)) return *denied;
    if (token.role != "auditor") {
      return OutOfScope("metrics off loopback are for auditor tokens");
    }
  }
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = ctx.metrics.Render(ctx.ledger.Info(), ctx.ledger.Stats());
  if (ctx.projections) {
    r.body += Metrics::RenderProjections(ctx.projections->Statuses());
  }
  return r;
}

}  // namespace fl::http
