// POST /v1/events and POST /v1/events:batch. Every check lives in ledger/
// (Prepare: size, syntax, schema, signature arithmetic; Append: repeat, id
// reuse, keys, authorization, references), so `import` and HTTP agree.
// They prepare the events (one on the I/O thread, a batch on the append
// pool) and return once the events are queued for the group commit. The
// committing thread answers through `reply` once the group is synced, so
// no thread sleeps per request while its group commits; the answer itself
// is made on the connection's I/O thread.
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include "api/http/http_handlers.h"
#include "api/http/http_problem.h"
#include "api/http/http_status_map.h"
#include "api/http/receipt_json.h"
#include "ledger/limits.h"

namespace fl::http {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// application/json with any parameters (charset=utf-8), in any case.
bool IsJson(std::string_view content_type) {
  std::string media = Lower(content_type.substr(0, content_type.find(';')));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) {
    media.pop_back();
  }
  return media == "application/json";
}

std::optional<HttpResponse> RequireJson(const HttpRequest& req) {
  if (IsJson(req.content_type)) return std::nullopt;
  return Problem(415, "unsupported_media_type",
                 "POST bodies must be Content-Type: application/json");
}

void AppendReceipt(std::string& out, const ApiContext& ctx, const Receipt& r) {
  // Only with witnesses (docs/spec-notes.md): whether a checkpoint that
  // reached the quorum already covers this entry. Appends never wait for
  // witnesses, so a new entry says false; GET /v1/proofs/file?seq=N later
  // returns the witnessed checkpoint covering it.
  std::optional<bool> witnessed;
  if (ctx.witnessed) witnessed = ctx.witnessed->Get().size > r.seq;
  AppendReceiptJson(out, r, witnessed);
}

HttpResponse RateLimited(int retry_after) {
  HttpResponse r = Problem(429, "rate_limited",
                           "agency over its append rate; retry after " +
                               std::to_string(retry_after) + " s");
  r.headers.emplace_back("Retry-After", std::to_string(retry_after));
  return r;
}

// The signature was checked in Prepare (its key was known) and holds.
bool Verified(const PreparedEvent& e) {
  return e.sig_check == PreparedEvent::SigCheck::kValid;
}

// "/event/data/x" of item i -> "/events/i/event/data/x".
std::string ItemPointer(std::size_t index, const std::string& field) {
  return "/events/" + std::to_string(index) + field;
}

// The refused batch: the first bad item's status, and every bad item.
HttpResponse BatchProblem(std::vector<ItemError> errors, std::size_t total) {
  std::sort(
      errors.begin(), errors.end(),
      [](const ItemError& a, const ItemError& b) { return a.index < b.index; });
  Json list = Json::array();
  for (const ItemError& e : errors) {
    Json item = {{"index", e.index},
                 {"status", HttpStatus(e.error)},
                 {"code", e.error.reason},
                 {"detail", e.error.detail}};
    if (!e.error.field.empty()) item["field"] = e.error.field;
    list.push_back(std::move(item));
  }
  const ItemError& first = errors.front();
  Error top = first.error;
  top.detail = std::to_string(errors.size()) + " of " + std::to_string(total) +
               " events refused, nothing stored; first, index " +
               std::to_string(first.index) + ": " + first.error.detail;
  Json problem = ProblemJson(top);
  problem["errors"] = std::move(list);
  return ProblemResponse(HttpStatus(top), top.reason, problem);
}

// A JSON-level fault found while parsing the whole batch: when its pointer
// lies inside one item, it is that item's error.
HttpResponse BatchParseProblem(const Error& e) {
  constexpr std::string_view kPrefix = "/events/";
  if (e.field.starts_with(kPrefix)) {
    std::string_view rest = std::string_view(e.field).substr(kPrefix.size());
    std::size_t digits = 0;
    while (digits < rest.size() &&
           std::isdigit(static_cast<unsigned char>(rest[digits]))) {
      ++digits;
    }
    if (digits > 0 && digits < 10) {
      std::size_t index = std::stoul(std::string(rest.substr(0, digits)));
      return BatchProblem({ItemError{index, e}}, index + 1);
    }
  }
  return Problem(e);
}

// The answer to one event once its group is synced or refused.
HttpResponse AppendAnswer(ApiContext& ctx, const RateLimiter::Counts& later,
                          const UnitResult& result) {
  if (!result.ok()) return Problem(result.errors.front().error);
  if (ctx.rate) ctx.rate->Charge(later);
  const Receipt& receipt = result.receipts.front();
  ctx.metrics.Appended(receipt.repeat ? 0 : 1, receipt.repeat ? 1 : 0);
  std::string body;
  AppendReceipt(body, ctx, receipt);
  return JsonTextResponse(receipt.repeat ? 200 : 201, std::move(body));
}

// The answer to a batch once its group is synced or refused.
HttpResponse BatchAnswer(ApiContext& ctx, const RateLimiter::Counts& later,
                         UnitResult result, std::size_t total) {
  if (result.ok() && ctx.rate) ctx.rate->Charge(later);
  if (!result.ok()) {
    for (ItemError& e : result.errors) {
      e.error.field = ItemPointer(e.index, e.error.field);
    }
    return BatchProblem(std::move(result.errors), total);
  }
  std::string body = "{\"receipts\":[";
  std::uint64_t appended = 0, repeats = 0;
  for (const Receipt& r : result.receipts) {
    if (appended + repeats > 0) body += ',';
    AppendReceipt(body, ctx, r);
    (r.repeat ? repeats : appended) += 1;
  }
  body += "]}";
  ctx.metrics.Appended(appended, repeats);
  // Only repeats: nothing new was created, as for a single repeat.
  return JsonTextResponse(appended == 0 ? 200 : 201, std::move(body));
}

}  // namespace

void HandleAppend(ApiContext& ctx, const HttpRequest& req, Reply reply) {
  if (auto r = RequireJson(req)) return reply(Ready(std::move(*r)));
  PreparedEvent event = ctx.ledger.Prepare(req.body);
  if (event.error) return reply(Ready(Problem(*event.error)));
  // API.md (amended 2026-12): only a signature that checked out is
  // charged, so forgeries in an agency's name cannot push it into 429.
  // One verified in Prepare is charged now (concurrent requests see it);
  // one verified while sequencing (its key was new) once it is stored.
  RateLimiter::Counts later;
  if (ctx.rate) {
    RateLimiter::Counts now;
    (Verified(event) ? now : later)[event.agency] = 1;
    if (auto wait = ctx.rate->Admit(now, later)) {
      return reply(Ready(RateLimited(*wait)));
    }
  }
  std::vector<std::vector<PreparedEvent>> units(1);
  units[0].push_back(std::move(event));
  ctx.ledger.AppendAsync(
      std::move(units), false,
      [&ctx, later = std::move(later),
       reply = std::move(reply)](std::vector<UnitResult> results) mutable {
        reply([&ctx, later = std::move(later),
               result = std::move(results.front())] {
          return AppendAnswer(ctx, later, result);
        });
      },
      ctx.launch_commit);
}

namespace {

// A batch ready for the group commit, or the answer refusing it now.
struct PreparedBatch {
  std::optional<HttpResponse> refused;
  std::vector<std::vector<PreparedEvent>> units;
  RateLimiter::Counts later;  // charged once stored
  std::size_t total = 0;
};

PreparedBatch Refuse(HttpResponse res) {
  PreparedBatch b;
  b.refused = std::move(res);
  return b;
}

PreparedBatch PrepareBatch(ApiContext& ctx, const HttpRequest& req) {
  if (auto r = RequireJson(req)) return Refuse(std::move(*r));
  JsonLimits json_limits;
  json_limits.max_depth = limits::kMaxBatchBodyDepth;
  auto parsed = ParseStrict(req.body, json_limits);
  if (!parsed.ok()) return Refuse(BatchParseProblem(parsed.error()));
  Json& body = *parsed;
  if (!body.is_object()) {
    return Refuse(Problem(400, "invalid_field",
                          "the body must be an object {\"events\": [...]}",
                          ""));
  }
  for (const auto& [key, value] : body.items()) {
    if (key != "events") {
      return Refuse(Problem(400, "unknown_field",
                            "unknown field \"" + key + "\"", "/" + key));
    }
  }
  auto it = body.find("events");
  if (it == body.end()) {
    return Refuse(
        Problem(400, "missing_field", "events is required", "/events"));
  }
  if (!it->is_array()) {
    return Refuse(
        Problem(400, "invalid_field", "events must be an array", "/events"));
  }
  Json& events = *it;
  if (events.empty()) {
    return Refuse(
        Problem(400, "invalid_field", "events must not be empty", "/events"));
  }
  if (events.size() > limits::kMaxBatchEvents) {
    return Refuse(Problem(413, "payload_too_large",
                          "a batch holds at most " +
                              std::to_string(limits::kMaxBatchEvents) +
                              " events, not " + std::to_string(events.size()),
                          "/events"));
  }
  PreparedBatch batch;
  batch.total = events.size();
  batch.units.resize(1);
  std::vector<PreparedEvent>& unit = batch.units[0];
  unit.reserve(batch.total);
  RateLimiter::Counts verified;
  bool any_error = false, any_forged = false;
  for (Json& item : events) {
    unit.push_back(ctx.ledger.PrepareParsed(std::move(item)));
    const PreparedEvent& e = unit.back();
    any_error |= e.error.has_value();
    any_forged |= e.sig_check == PreparedEvent::SigCheck::kInvalid;
    if (!e.error) ++(Verified(e) ? verified : batch.later)[e.agency];
  }
  // Stateless faults go to Append with the rest (it refuses a unit in
  // which any item carries an error) so that one answer lists every bad
  // item; a batch that will be refused is not charged to the rate. As for
  // one event, only signatures that checked out are charged: those seen in
  // Prepare now, the rest once the batch is stored.
  if (ctx.rate && !any_error) {
    if (any_forged) {
      for (const auto& [agency, n] : verified) batch.later[agency] += n;
      verified.clear();
    }
    if (auto wait = ctx.rate->Admit(verified, batch.later)) {
      return Refuse(RateLimited(*wait));
    }
  }
  return batch;
}

}  // namespace

void HandleBatch(ApiContext& ctx, const HttpRequest& req, Reply reply) {
  PreparedBatch batch = PrepareBatch(ctx, req);
  if (batch.refused) return reply(Ready(std::move(*batch.refused)));
  ctx.ledger.AppendAsync(
      std::move(batch.units), false,
      [&ctx, later = std::move(batch.later), total = batch.total,
       reply = std::move(reply)](std::vector<UnitResult> results) mutable {
        reply([&ctx, later = std::move(later), total,
               result = std::move(results.front())]() mutable {
          return BatchAnswer(ctx, later, std::move(result), total);
        });
      },
      ctx.launch_commit);
}

}  // namespace fl::http
