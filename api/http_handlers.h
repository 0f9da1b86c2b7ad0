// The handlers behind the route table (http_router.cpp). Each turns one
// request into one response; none touches sockets, so they are plain
// functions that the server runs inline or on a worker pool.
#pragma once

#include <string>

#include "api/entry_scope.h"
#include "api/http_message.h"
#include "api/metrics.h"
#include "api/rate_limit.h"
#include "api/tokens.h"
#include "ledger/ledger.h"

namespace fl::http {

// What the handlers need, owned by the server.
struct ApiContext {
  Ledger& ledger;
  TokenStore& tokens;
  Metrics& metrics;
  EntryScope& scope;
  RateLimiter* rate = nullptr;  // null: unlimited
  std::string data_dir;         // for /healthz; empty: not checked
};

// http_handlers_append.cpp
HttpResponse HandleAppend(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleBatch(ApiContext& ctx, const HttpRequest& req);

// http_handlers_ledger.cpp
HttpResponse HandleLedger(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleCheckpoint(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleInclusion(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleConsistency(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleEntry(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleEntries(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleHealth(ApiContext& ctx, const HttpRequest& req);
HttpResponse HandleMetrics(ApiContext& ctx, const HttpRequest& req);

}  // namespace fl::http
