// The handlers behind the route table (http_router.cpp). Each turns one
// request into one response; none touches sockets, so they are plain
// functions that the server runs inline or on a worker pool.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "api/http/entry_scope.h"
#include "api/http/http_message.h"
#include "api/http/metrics.h"
#include "api/http/rate_limit.h"
#include "api/http/tokens.h"
#include "api/http/witnessed.h"
#include "ledger/ledger.h"
#include "ledger/limits.h"

namespace fl::replay {
class Projections;
}

namespace fl::http {

// What the handlers need, owned by the server.
struct ApiContext {
  Ledger& ledger;
  TokenStore& tokens;
  Metrics& metrics;
  EntryScope& scope;
  RateLimiter* rate = nullptr;  // null: unlimited
  std::string data_dir;         // for /healthz; empty: not checked
  // The projection worker behind the projection reads; null: those reads
  // answer 503 unavailable.
  replay::Projections* projections = nullptr;
  // How long a read with min_seq waits for the projections (API.md: 5 s).
  std::chrono::milliseconds projection_wait{limits::kMinSeqWait};
  // With `serve --witness`: the newest checkpoint with a witness quorum;
  // null: no witnesses configured.
  const WitnessedCheckpoint* witnessed = nullptr;
  // Starts a group commit on the server's commit thread, so neither the
  // I/O threads nor the preparing ones block in a sync
  // (Ledger::AppendAsync).
  Ledger::Launch launch_commit = nullptr;
};

// The bearer token of the request in `out`, or a 401 unauthenticated
// problem (http_handlers_ledger.cpp).
std::optional<HttpResponse> Authenticate(ApiContext& ctx,
                                         const HttpRequest& req,
                                         TokenInfo* out);
// 403 out_of_scope: outside the token's role or scope.
HttpResponse OutOfScope(std::string detail);

// How a handler that finishes later answers: called exactly once, on any
// thread (the appends' is the ledger's committing one), with what makes
// the response; that runs on the connection's I/O thread, so a batch's
// hundred receipts are not written out on the group commit's thread.
using MakeResponse = std::function<HttpResponse()>;
using Reply = std::function<void(MakeResponse)>;
// A response already made.
inline MakeResponse Ready(HttpResponse res) {
  return [res = std::move(res)] { return res; };
}

// http_handlers_append.cpp. They return once the events are queued for
// the group commit; `reply` answers once the group is synced or refused.
void HandleAppend(ApiContext& ctx, const HttpRequest& req, Reply reply);
void HandleBatch(ApiContext& ctx, const HttpRequest& req, Reply reply);

// http_handlers_ledger.cpp
HttpResponse HandleLedger(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleCheckpoint(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleInclusion(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleConsistency(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleProofFile(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleEntry(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleEntries(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleHealth(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleMetrics(ApiContext& ctx, const HttpRequest& req);

// http_handlers_tiles.cpp
HttpResponse HandleTileCheckpoint(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleTile(ApiContext& ctx, const HttpRequest& req);

// http_handlers_witness.cpp (serve --witness): says whether a checkpoint
// carries the witness quorum.
inline constexpr std::string_view kWitnessedHeader = "Fundledger-Witnessed";
// The newest signed checkpoint. With witnesses: its cosigned text once it
// has the quorum, and a Fundledger-Witnessed: true|false header on `r`.
std::string NewestCheckpoint(const ApiContext& ctx, HttpResponse* r);
// GET /v1/checkpoint/witnessed: the newest checkpoint with the quorum.
HttpResponse HandleWitnessedCheckpoint(ApiContext& ctx, const HttpRequest& req);

// http_handlers_projections.cpp
HttpResponse HandleBalances(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleLot(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleContract(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleLots(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleContracts(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleFlags(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleFlag(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleCaps(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleProjections(ApiContext& ctx, const HttpRequest& req);

}  // namespace fl::http
