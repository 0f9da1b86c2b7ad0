#include "api/http/http_router.h"

#include "api/http/console_http.h"
#include "api/http/http_problem.h"

namespace fl::http {
namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  if (path.starts_with('/')) start = 1;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool MatchPath(std::string_view pattern, bool tail, std::string_view path,
               std::map<std::string, std::string>* params) {
  auto want = Segments(pattern);
  auto got = Segments(path);
  if (tail ? got.size() < want.size() : want.size() != got.size()) {
    return false;
  }
  for (std::size_t i = 0; i < want.size(); ++i) {
    std::string_view w = want[i];
    if (w.size() > 2 && w.front() == '{' && w.back() == '}') {
      if (got[i].empty()) return false;
      std::string value(got[i]);
      if (tail && i + 1 == want.size()) {
        // got[i] is a view into `path`: extend it to the path's end.
        value = std::string(
            path.substr(static_cast<std::size_t>(got[i].data() - path.data())));
      }
      (*params)[std::string(w.substr(1, w.size() - 2))] = std::move(value);
    } else if (w != got[i]) {
      return false;
    }
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
               HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

const std::vector<Route>& RouteTable() {
  static const std::vector<Route> kRoutes = {
      {.method = "POST",
       .path = "/v1/events",
       .handler = nullptr,
       .pool = Pool::kInline,
       .replying = HandleAppend},
      {.method = "POST",
       .path = "/v1/events:batch",
       .handler = nullptr,
       .pool = Pool::kAppend,
       .replying = HandleBatch},
      {"GET", "/v1/ledger", HandleLedger, Pool::kInline},
      {"GET", "/v1/checkpoint", HandleCheckpoint, Pool::kInline},
      {"GET", "/v1/checkpoint/witnessed", HandleWitnessedCheckpoint,
       Pool::kInline},
      {"GET", "/v1/proofs/inclusion", HandleInclusion, Pool::kRead},
      {"GET", "/v1/proofs/consistency", HandleConsistency, Pool::kRead},
      {"GET", "/v1/proofs/file", HandleProofFile, Pool::kRead},
      {"GET", "/v1/entries/{seq}", HandleEntry, Pool::kRead},
      {"GET", "/v1/entries", HandleEntries, Pool::kRead},
      {.method = "GET",
       .path = "/v1/balances",
       .handler = HandleBalances,
       .pool = Pool::kProjection,
       .day_history = true},
      {"GET", "/v1/lots", HandleLots, Pool::kProjection},
      {"GET", "/v1/lots/{allocation_id}", HandleLot, Pool::kProjection},
      {"GET", "/v1/contracts", HandleContracts, Pool::kProjection},
      {"GET", "/v1/contracts/{contract_id}", HandleContract, Pool::kProjection},
      {.method = "GET",
       .path = "/v1/flags",
       .handler = HandleFlags,
       .pool = Pool::kProjection,
       .day_history = true},
      {.method = "GET",
       .path = "/v1/flags/{flag_id}",
       .handler = HandleFlag,
       .pool = Pool::kProjection,
       .day_history = true},
      {.method = "GET",
       .path = "/v1/reports/caps",
       .handler = HandleCaps,
       .pool = Pool::kProjection,
       .day_history = true},
      {"GET", "/v1/projections", HandleProjections, Pool::kRead},
      // The console's reads (api/console/).
      {"GET", "/v1/whoami", console::HandleWhoami, Pool::kInline},
      {"GET", "/v1/reports/flags", console::HandleFlagSummary,
       Pool::kProjection},
      // C2SP tlog-tiles (http_handlers_tiles.cpp): public reads like the
      // proofs, never behind projection reads.
      {"GET", "/checkpoint", HandleTileCheckpoint, Pool::kInline},
      {"GET", "/tile/{tile}", HandleTile, Pool::kRead, true},
      // kRead: while the store is failing it may try a synced write.
      {"GET", "/healthz", HandleHealth, Pool::kRead},
      {"GET", "/metrics", HandleMetrics, Pool::kInline},
  };
  return kRoutes;
}

RouteMatch MatchRoute(std::string_view method, std::string_view path) {
  RouteMatch m;
  for (const Route& r : RouteTable()) {
    std::map<std::string, std::string> params;
    if (!MatchPath(r.path, r.tail, path, &params)) continue;
    if (r.method == method) {
      m.route = &r;
      m.params = std::move(params);
      m.allow.clear();
      return m;
    }
    if (!m.allow.empty()) m.allow += ", ";
    m.allow += r.method;
  }
  return m;
}

HttpResponse NoRoute(const RouteMatch& match, std::string_view path) {
  if (match.allow.empty()) {
    return Problem(404, "not_found",
                   "no route " + std::string(path.substr(0, 200)));
  }
  HttpResponse r =
      Problem(405, "method_not_allowed", "this path answers " + match.allow);
  r.headers.emplace_back("Allow", match.allow);
  return r;
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(start, end - start);
    if (!pair.empty()) {
      std::size_t eq = pair.find('=');
      std::string key = PercentDecode(pair.substr(0, eq));
      std::string value = eq == std::string_view::npos
                              ? std::string()
                              : PercentDecode(pair.substr(eq + 1));
      out.insert_or_assign(std::move(key), std::move(value));
    }
    start = end + 1;
  }
  return out;
}

}  // namespace fl::http
