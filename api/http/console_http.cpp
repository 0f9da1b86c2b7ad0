#include "api/http/console_http.h"

#include <algorithm>
#include <map>

#include "api/console/assets.h"
#include "api/console/csv.h"
#include "api/console/division_names.h"
#include "api/http/http_problem.h"
#include "ledger/canonical_json.h"
#include "ledger/division.h"
#include "replay/projections.h"

namespace fl::console {
namespace {

using http::HttpRequest;
using http::HttpResponse;

std::string Query(const HttpRequest& req, const std::string& name) {
  auto it = req.query.find(name);
  return it == req.query.end() ? std::string() : it->second;
}

HttpResponse Bytes(std::string_view type, std::string body) {
  HttpResponse r;
  r.content_type = std::string(type);
  r.body = std::move(body);
  // Everything the console loads is its own: no CDN, no fonts, no frames.
  r.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'self'; style-src 'self' 'unsafe-inline'; "
      "img-src 'self' data: blob:; frame-ancestors 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

// Whether Accept-Encoding takes gzip (RFC 9110 12.5.3): a "gzip" or "*"
// token without q=0.
bool AcceptsGzip(std::string_view header) {
  std::size_t start = 0;
  while (start < header.size()) {
    std::size_t end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = header.substr(start, end - start);
    start = end + 1;
    std::size_t semi = item.find(';');
    std::string_view coding = item.substr(0, semi);
    while (!coding.empty() && coding.front() == ' ') coding.remove_prefix(1);
    while (!coding.empty() && coding.back() == ' ') coding.remove_suffix(1);
    if (coding != "gzip" && coding != "*") continue;
    if (semi == std::string_view::npos) return true;
    std::string_view params = item.substr(semi + 1);
    std::size_t q = params.find("q=");
    if (q == std::string_view::npos) return true;
    std::string_view v = params.substr(q + 2);
    // q=0, q=0.0, q=0.000 refuse; anything else accepts.
    if (v.empty() || v.front() != '0') return true;
    if (v.find_first_of("123456789") < v.find_first_of(" ,;")) return true;
    return false;
  }
  return false;
}

HttpResponse Divisions(const HttpRequest& req) {
  std::string prefix = Query(req, "prefix");
  if (prefix.size() > 12 ||
      !std::all_of(prefix.begin(), prefix.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return http::Problem(400, "invalid_field", "prefix must be digits",
                         "/prefix");
  }
  // Without a prefix: provinces, prefectures and counties only (the
  // townships of the whole country are a megabyte).
  Json out = Json::object();
  for (const auto& [code, name] : DivisionsWithPrefix(prefix)) {
    if (prefix.empty() && code.size() > 6) continue;
    out[std::string(code)] = std::string(name);
  }
  return Bytes("application/json; charset=utf-8", out.dump());
}

// The level below `code` ("530000" -> 4 digits + "00", "530100" -> 6
// digits, "530102" -> 9), and the child a flag's division falls in.
std::string ChildOf(const std::string& parent, const std::string& division) {
  if (parent.empty()) return division.substr(0, 2) + "0000";
  if (parent.size() == 6 && parent.ends_with("0000"))
    return division.substr(0, 4) + "00";
  if (parent.size() == 6 && parent.ends_with("00"))
    return division.substr(0, 6);
  if (parent.size() == 6)
    return division.substr(0, std::min<std::size_t>(9, division.size()));
  return division;
}

// "YYYY-MM" of an entry's event.occurred_at ("" if unreadable). The stored
// entry is JCS, so the event's occurred_at is the last key of that name
// (only data, which the schema keeps free of it, comes before it).
std::string MonthOf(const Ledger& ledger, std::uint64_t seq) {
  auto text = ledger.EntryAt(seq);
  if (!text.ok()) return {};
  constexpr std::string_view kKey = "\"occurred_at\":\"";
  auto at = text->rfind(kKey);
  if (at == std::string::npos || at + kKey.size() + 7 > text->size()) return {};
  return text->substr(at + kKey.size(), 7);
}

}  // namespace

std::optional<HttpResponse> ServeConsole(const HttpRequest& req) {
  if (req.method != "GET" && req.method != "HEAD") return std::nullopt;
  std::string_view name;
  if (req.path == "/" || req.path == "/console" || req.path == "/console/") {
    name = "index.html";
  } else if (req.path.starts_with("/console/")) {
    name = std::string_view(req.path).substr(9);
  } else {
    return std::nullopt;
  }
  if (name == "divisions.json") return Divisions(req);
  for (const ConsoleAsset& a : ConsoleAssets()) {
    if (a.name != name) continue;
    // The gzipped copy made at build time: the charts' script is 0.6 MB,
    // 0.2 MB gzipped, so no page transfers more than 1 MB.
    const bool gzip = !a.gzip.empty() && AcceptsGzip(req.accept_encoding);
    HttpResponse r =
        Bytes(a.content_type, std::string(gzip ? a.gzip : a.bytes));
    if (gzip) r.headers.emplace_back("Content-Encoding", "gzip");
    if (!a.gzip.empty()) r.headers.emplace_back("Vary", "Accept-Encoding");
    return r;
  }
  return http::Problem(404, "not_found",
                       "no console file " + std::string(name.substr(0, 100)));
}

HttpResponse HandleWhoami(http::ApiContext& ctx, const HttpRequest& req) {
  TokenInfo token;
  if (auto denied = http::Authenticate(ctx, req, &token)) return *denied;
  HttpResponse r;
  r.body = Canonicalize(Json{
      {"role", token.role},
      {"scope", token.scope},
      {"scope_name", std::string(DivisionName(token.scope))},
      {"agency", token.agency.empty() ? Json(nullptr) : Json(token.agency)}});
  return r;
}

HttpResponse HandleFlagSummary(http::ApiContext& ctx, const HttpRequest& req) {
  TokenInfo token;
  if (auto denied = http::Authenticate(ctx, req, &token)) return *denied;
  if (token.role != "auditor" && token.role != "finance") {
    return http::OutOfScope(
        "projection reads are for auditor and finance tokens");
  }
  if (!ctx.projections) {
    return http::Problem(503, "unavailable", "the projections are not running");
  }
  replay::FlagQuery q;
  q.division = Query(req, "division_code");
  if (!q.division.empty() && !IsDivisionCode(q.division)) {
    return http::Problem(400, "invalid_field",
                         "division_code must be a 6, 9 or 12 digit code",
                         "/division_code");
  }
  q.as_of = Query(req, "as_of");
  q.scope = token.scope;
  q.limit = 1000;
  const std::string parent = !q.division.empty() ? q.division : token.scope;
  std::map<std::string, std::map<std::string, std::int64_t>> cells;
  std::map<std::string, std::int64_t> severity, status, months;
  std::int64_t total = 0;
  std::string as_of;
  for (;;) {
    auto page = ctx.projections->Flags(q);
    if (!page.ok()) return http::Problem(page.error());
    for (const auto& f : (*page)["flags"]) {
      const std::string rule = f["rule"], div = f["division_code"];
      ++cells[rule][ChildOf(parent, div)];
      ++severity[f["severity"].get<std::string>()];
      ++status[f["status"].get<std::string>()];
      // A flag's month: that of its first evidence entry (when the act or
      // the state it is about began), by occurred_at.
      const Json& evidence = f["evidence"];
      if (!evidence.empty()) {
        std::string month = MonthOf(ctx.ledger, evidence.front());
        if (!month.empty()) ++months[month];
      }
      ++total;
      as_of = f["as_of"];
    }
    const Json& next = (*page)["next_cursor"];
    if (!next.is_string()) break;
    q.cursor = next.get<std::string>();
  }
  Json rows = Json::array();
  Json names = Json::object();
  for (const auto& [rule, by_child] : cells) {
    for (const auto& [child, n] : by_child) {
      rows.push_back({{"rule", rule}, {"division_code", child}, {"count", n}});
      names[child] = std::string(DivisionName(child));
    }
  }
  Json by_month = Json::array();
  for (const auto& [month, n] : months)
    by_month.push_back({{"month", month}, {"count", n}});
  HttpResponse r;
  r.body =
      Canonicalize(Json{{"division_code", parent},
                        {"by_month", by_month},
                        {"as_of", as_of.empty() ? Json(nullptr) : Json(as_of)},
                        {"total", total},
                        {"by_rule_division", rows},
                        {"division_names", names},
                        {"by_severity", severity},
                        {"by_status", status}});
  return r;
}

HttpResponse WithFormat(std::string_view route, const HttpRequest& req,
                        HttpResponse res) {
  auto it = req.query.find("format");
  if (it == req.query.end() || it->second.empty() || it->second == "json")
    return res;
  if (!HasCsv(route)) return res;  // unknown parameters are ignored
  if (it->second != "csv") {
    return http::Problem(400, "invalid_field", "format must be json or csv",
                         "/format");
  }
  if (res.status != 200) return res;
  auto csv = CsvOf(route, Json::parse(res.body));
  if (!csv) return res;
  res.body = std::move(*csv);
  res.content_type = "text/csv; charset=utf-8";
  res.headers.emplace_back(
      "Content-Disposition",
      "attachment; filename=\"" + CsvFileName(route) + "\"");
  return res;
}

}  // namespace fl::console
