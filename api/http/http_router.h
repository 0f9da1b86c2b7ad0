// The route table of the HTTP API and its matching. The table is the one
// list of what the server answers; tests compare it with docs/openapi.json.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/http_handlers.h"
#include "api/http/http_message.h"

namespace fl::http {

using Handler = HttpResponse (*)(ApiContext&, const HttpRequest&);
// A handler that answers through `Reply` (http_handlers.h), later.
using ReplyingHandler = void (*)(ApiContext&, const HttpRequest&, Reply);

// Where a handler runs: on the connection's I/O thread (cheap, in memory;
// and one event's append, prepared there), on the append pool (a batch's
// events, prepared there; both hand their events to the group commit,
// which runs on the server's commit thread and answers once they are
// synced), on the ledger read pool (entries and proofs: a few RocksDB
// reads) or on the projection read pool (may take seconds; its queue is
// bounded, beyond it 503 overloaded), so I/O threads never block and public
// proofs never wait behind projection reads.
enum class Pool { kInline, kAppend, kRead, kProjection };

struct Route {
  std::string_view method;
  std::string_view path;  // OpenAPI template: "/v1/entries/{seq}"
  Handler handler;        // null when `replying` answers
  Pool pool;
  // The last "{name}" takes the rest of the path, '/'s included (C2SP tile
  // paths such as "1/x001/234.p/7").
  bool tail = false;
  // At an earlier as_of, answered from the projections' day histories when
  // they hold the day (replay/day_history.h): milliseconds, not a fold, so
  // the read stays out of the historic lane (http_session.cpp).
  bool day_history = false;
  // The appends (every Pool::kAppend route, and POST /v1/events inline):
  // they answer once their group is synced (http_session.cpp).
  ReplyingHandler replying = nullptr;
};

const std::vector<Route>& RouteTable();

struct RouteMatch {
  const Route* route = nullptr;
  std::map<std::string, std::string> params;
  std::string allow;  // no route but the path exists: its methods (405)
};

RouteMatch MatchRoute(std::string_view method, std::string_view path);
// 404 not_found, or 405 method_not_allowed with Allow.
HttpResponse NoRoute(const RouteMatch& match, std::string_view path);

// "a=1&b=%2F" -> {a: 1, b: /}; '+' is a space. Later repeats win.
std::map<std::string, std::string> ParseQuery(std::string_view query);

}  // namespace fl::http
