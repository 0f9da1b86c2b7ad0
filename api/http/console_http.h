// The console's part of the HTTP server: its embedded web files at `/` and
// `/console/...`, `GET /v1/whoami`, `GET /v1/reports/flags` (the flag
// summary behind the overview page) and the `?format=csv` form of reads.
// Kept apart from the API's handlers so the server only calls in here.
#pragma once

#include <optional>
#include <string_view>

#include "api/http/http_handlers.h"
#include "api/http/http_message.h"

namespace fl::console {

// A GET for `/`, `/console/NAME` or `/console/divisions.json?prefix=53`;
// nothing for any other path (the router answers those).
std::optional<http::HttpResponse> ServeConsole(const http::HttpRequest& req);

// GET /v1/whoami: the token's role, scope (with its name) and agency.
http::HttpResponse HandleWhoami(http::ApiContext& ctx,
                                const http::HttpRequest& req);

// GET /v1/reports/flags?division_code=&as_of=: flag counts by rule and
// child division (the level below division_code, or below the token's
// scope), by severity, by status and by month (of each flag's first
// evidence entry). Counted on the server a page at a
// time, so the browser never fetches every flag.
http::HttpResponse HandleFlagSummary(http::ApiContext& ctx,
                                     const http::HttpRequest& req);

// `?format=csv` on a route with a CSV form turns its 200 JSON answer into
// CSV; any other format than json or csv there is 400. Other answers pass.
http::HttpResponse WithFormat(std::string_view route,
                              const http::HttpRequest& req,
                              http::HttpResponse res);

}  // namespace fl::console
