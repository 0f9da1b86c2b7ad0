// Projection reads (API.md): balances, lots, contracts (one, or a page of
// them: the console's lists, docs/spec-notes.md), flags, the cap
// report and the workers' status, answered by replay::Projections within
// the token's scope. Bodies are canonical JSON (RFC 8785), so the same
// projection state always gives the same bytes, as `fundledger replay`
// does. A read with min_seq=N is held by the server (without a thread)
// until seq N is applied, else answered 503 projection_lag.
#include <charconv>
#include <optional>
#include <string>
#include <string_view>

#include "api/http/http_handlers.h"
#include "api/http/http_problem.h"
#include "ledger/canonical_json.h"
#include "ledger/division.h"
#include "ledger/limits.h"
#include "replay/date.h"
#include "replay/projections.h"
#include "replay/severity.h"

namespace fl::http {
namespace {

constexpr std::uint64_t kMaxFlags = limits::kMaxFlagsPage;

HttpResponse Canonical(const Json& body) {
  HttpResponse r;
  r.status = 200;
  r.body = Canonicalize(body);
  return r;
}

HttpResponse Answer(const Result<Json>& result) {
  if (!result.ok()) return Problem(result.error());
  return Canonical(*result);
}

// 400 invalid_field naming the query parameter as a JSON pointer ("/limit"),
// as replay::Projections does for the values it checks itself.
HttpResponse BadParam(const std::string& name, const std::string& detail) {
  return Problem(400, "invalid_field", name + " " + detail, "/" + name);
}

// A query value; an empty one counts as absent ("?fund=&program=SWS.OPS").
// Parameters the route does not know are ignored.
std::string Param(const HttpRequest& req, const std::string& name) {
  auto it = req.query.find(name);
  return it == req.query.end() ? std::string() : it->second;
}

std::optional<std::uint64_t> Unsigned(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// The token, checked for a role that may read projections, and a running
// worker to read from.
std::optional<HttpResponse> Admit(ApiContext& ctx, const HttpRequest& req,
                                  bool auditor_only, TokenInfo* token) {
  if (auto denied = Authenticate(ctx, req, token)) return denied;
  if (auditor_only && token->role != "auditor") {
    return OutOfScope("projection status is for auditor tokens");
  }
  if (token->role != "auditor" && token->role != "finance") {
    return OutOfScope("projection reads are for auditor and finance tokens");
  }
  if (!ctx.projections) {
    return Problem(503, "unavailable", "the projections are not running");
  }
  return std::nullopt;
}

std::optional<HttpResponse> DivisionParam(const HttpRequest& req,
                                          std::string* out) {
  *out = Param(req, "division_code");
  if (!out->empty() && !IsDivisionCode(*out)) {
    return BadParam("division_code", "must be a 6, 9 or 12 digit code");
  }
  return std::nullopt;
}

std::optional<HttpResponse> YearParam(const HttpRequest& req,
                                      std::optional<int>* out) {
  std::string v = Param(req, "fiscal_year");
  if (v.empty()) return std::nullopt;
  auto year = Unsigned(v);
  if (!year || *year > 9999) {
    return BadParam("fiscal_year", "must be a year (a decimal integer)");
  }
  *out = static_cast<int>(*year);
  return std::nullopt;
}

// Checked here as well as by Projections, so that a bad date is refused
// before a min_seq wait.
std::optional<HttpResponse> AsOfParam(const HttpRequest& req,
                                      std::string* out) {
  *out = Param(req, "as_of");
  if (!out->empty() && (out->size() != 10 || !replay::ParseDay(*out))) {
    return BadParam("as_of", "must be a date YYYY-MM-DD");
  }
  return std::nullopt;
}

// min_seq (API.md): nothing when the read may go ahead now; a 400 for a
// bad value; else a 503 projection_lag with Retry-After that the server
// holds, re-checking `ready`, for up to ctx.projection_wait.
std::optional<HttpResponse> AwaitSeq(ApiContext& ctx, const HttpRequest& req) {
  std::string v = Param(req, "min_seq");
  if (v.empty()) return std::nullopt;
  auto seq = Unsigned(v);
  if (!seq) return BadParam("min_seq", "must be a non-negative integer");
  const replay::Projections* p = ctx.projections;
  const std::uint64_t n = *seq;
  if (p->WaitApplied(n, 0)) return std::nullopt;
  auto statuses = p->Statuses();
  if (!statuses.empty() && !statuses.front().error.empty()) {
    return Problem(
        503, "unavailable",
        "the projection worker is failing: " + statuses.front().error);
  }
  HttpResponse r = Problem(
      503, "projection_lag",
      "the projections have not applied seq " + std::to_string(n) + " within " +
          std::to_string(ctx.projection_wait.count()) + " ms; retry");
  r.headers.emplace_back("Retry-After", "1");
  r.ready = [p, n] { return p->WaitApplied(n, 0); };
  r.wait_for = ctx.projection_wait;
  return r;
}

bool IsRule(std::string_view r) {
  if (r.size() != 3 || r[0] != 'R') return false;
  auto n = Unsigned(r.substr(1));
  return n && *n >= 1 && *n <= 18;
}

// An allocation or contract id (LEDGER.md's event id charset, 1-64 chars),
// as a list's cursor.
bool IsId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
          (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == ':' ||
          c == '-'))
      return false;
  }
  return true;
}

// The parameters GET /v1/lots and /v1/contracts share.
std::optional<HttpResponse> ListParams(const HttpRequest& req,
                                       replay::ListQuery* q) {
  if (auto bad = DivisionParam(req, &q->division)) return bad;
  if (auto bad = YearParam(req, &q->fiscal_year)) return bad;
  if (auto bad = AsOfParam(req, &q->as_of)) return bad;
  q->program = Param(req, "program");
  q->limit = limits::kDefaultListPage;
  std::string limit = Param(req, "limit");
  if (!limit.empty()) {
    auto n = Unsigned(limit);
    if (!n || *n == 0 || *n > limits::kMaxListPage) {
      return BadParam("limit", "must be an integer 1.." +
                                   std::to_string(limits::kMaxListPage));
    }
    q->limit = static_cast<std::size_t>(*n);
  }
  q->cursor = Param(req, "cursor");
  if (!q->cursor.empty() && !IsId(q->cursor)) {
    return BadParam("cursor", "must be a next_cursor of an earlier page");
  }
  return std::nullopt;
}

bool IsFlagId(std::string_view id) {
  if (id.size() != 16) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

HttpResponse HandleBalances(ApiContext& ctx, const HttpRequest& req) {
  TokenInfo token;
  if (auto no = Admit(ctx, req, false, &token)) return *no;
  replay::BalanceQuery q;
  if (auto bad = DivisionParam(req, &q.division)) return *bad;
  if (auto bad = YearParam(req, &q.fiscal_year)) return *bad;
  if (auto bad = AsOfParam(req, &q.as_of)) return *bad;
  q.fund = Param(req, "fund");
  q.program = Param(req, "program");
  q.scope = token.scope;
  if (auto wait = AwaitSeq(ctx, req)) return *wait;
  return Answer(ctx.projections->Balances(q));
}

HttpResponse HandleLot(ApiContext& ctx, const HttpRequest& req) {
  TokenInfo token;
  if (auto no = Admit(ctx, req, false, &token)) return *no;
  if (auto wait = AwaitSeq(ctx, req)) return *wait;
  return Answer(
      ctx.projections->LotById(req.params.at("allocation_id"), token.scope));
}

HttpResponse HandleContract(ApiContext& ctx, const HttpRequest& req) {
  TokenInfo token;
  if (auto no = Admit(ctx, req, false, &token)) return *no;
  if (auto wait = AwaitSeq(ctx, req)) return *wait;
  return Answer(
      ctx.projections->ContractById(req.params.at("contract_id"), token.scope));
}

HttpResponse HandleLots(ApiContext& ctx, const HttpRequest& req) {
  TokenInfo token;
  if (auto no = Admit(ctx, req, false, &token)) return *no;
  replay::ListQuery q;
  if (auto bad = ListParams(req, &q)) return *bad;
  q.fund = Param(req, "fund");
  q.scope = token.scope;
  if (auto wait = AwaitSeq(ctx, req)) return *wait;
  return Answer(ctx.projections->Lots(q));
}

HttpResponse HandleContracts(ApiContext& ctx, const HttpRequest& req) {
  TokenInfo token;
  if (auto no = Admit(ctx, req, false, &token)) return *no;
  replay::ListQuery q;
  if (auto bad = ListParams(req, &q)) return *bad;
  q.scope = token.scope;
  if (auto wait = AwaitSeq(ctx, req)) return *wait;
  return Answer(ctx.projections->Contracts(q));
}

HttpResponse HandleFlags(ApiContext& ctx, const HttpRequest& req) {
  TokenInfo token;
  if (auto no = Admit(ctx, req, false, &token)) return *no;
  replay::FlagQuery q;
  q.rule = Param(req, "rule");
  if (!q.rule.empty() && !IsRule(q.rule)) {
    return BadParam("rule", "must be one of R01 .. R18");
  }
  q.severity = Param(req, "severity");
  if (!q.severity.empty() && replay::SeverityFromName(q.severity) < 0) {
    return BadParam("severity",
                    "must be one of critical, high, medium, low, info");
  }
  if (auto bad = DivisionParam(req, &q.division)) return *bad;
  q.status = Param(req, "status");
  if (!q.status.empty() && q.status != "open" && q.status != "confirmed" &&
      q.status != "dismissed" && q.status != "remediated") {
    return BadParam("status",
                    "must be one of open, confirmed, dismissed, remediated");
  }
  std::string limit = Param(req, "limit");
  if (!limit.empty()) {
    auto n = Unsigned(limit);
    if (!n || *n == 0 || *n > kMaxFlags) {
      return BadParam("limit",
                      "must be an integer 1.." + std::to_string(kMaxFlags));
    }
    q.limit = static_cast<std::size_t>(*n);
  }
  q.cursor = Param(req, "cursor");
  if (!q.cursor.empty() && !IsFlagId(q.cursor)) {
    return BadParam("cursor", "must be a next_cursor of an earlier page");
  }
  if (auto bad = AsOfParam(req, &q.as_of)) return *bad;
  q.scope = token.scope;
  if (auto wait = AwaitSeq(ctx, req)) return *wait;
  return Answer(ctx.projections->Flags(q));
}

HttpResponse HandleFlag(ApiContext& ctx, const HttpRequest& req) {
  TokenInfo token;
  if (auto no = Admit(ctx, req, false, &token)) return *no;
  std::string as_of;
  if (auto bad = AsOfParam(req, &as_of)) return *bad;
  if (auto wait = AwaitSeq(ctx, req)) return *wait;
  return Answer(
      ctx.projections->FlagById(req.params.at("flag_id"), token.scope, as_of));
}

HttpResponse HandleCaps(ApiContext& ctx, const HttpRequest& req) {
  TokenInfo token;
  if (auto no = Admit(ctx, req, false, &token)) return *no;
  replay::CapQuery q;
  if (auto bad = DivisionParam(req, &q.division)) return *bad;
  if (auto bad = YearParam(req, &q.fiscal_year)) return *bad;
  if (auto bad = AsOfParam(req, &q.as_of)) return *bad;
  q.scope = token.scope;
  if (auto wait = AwaitSeq(ctx, req)) return *wait;
  return Answer(ctx.projections->Caps(q));
}

HttpResponse HandleProjections(ApiContext& ctx, const HttpRequest& req) {
  TokenInfo token;
  if (auto no = Admit(ctx, req, true, &token)) return *no;
  return Canonical(ctx.projections->StatusJson());
}

}  // namespace fl::http
