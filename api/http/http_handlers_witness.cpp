// The witnessed checkpoint (`serve --witness URL,... --quorum K`): the
// submitter (api/cli/witness_submitter) collects cosignatures in the
// background; these reads show what it has. Appends never wait for it.
#include "api/http/http_handlers.h"
#include "api/http/http_problem.h"
#include "crypto/cosignature.h"

namespace fl::http {

std::string NewestCheckpoint(const ApiContext& ctx, HttpResponse* r) {
  std::string newest = ctx.ledger.LatestCheckpoint();
  if (!ctx.witnessed) return newest;
  WitnessedCheckpoint::View w = ctx.witnessed->Get();
  // Same log, same size: same body, so the cosigned text is the newest
  // checkpoint with the witnesses' lines added.
  auto newest_body = NoteBody(newest);
  auto witnessed_body = NoteBody(w.note);
  const bool same = !w.note.empty() && newest_body.ok() &&
                    witnessed_body.ok() && *newest_body == *witnessed_body;
  r->headers.emplace_back(std::string(kWitnessedHeader),
                          same ? "true" : "false");
  return same ? w.note : newest;
}

HttpResponse HandleWitnessedCheckpoint(ApiContext& ctx, const HttpRequest&) {
  if (!ctx.witnessed) {
    return Problem(404, "not_found",
                   "this server runs without witnesses (serve --witness)");
  }
  WitnessedCheckpoint::View w = ctx.witnessed->Get();
  if (w.note.empty()) {
    return Problem(404, "not_found",
                   "no checkpoint has reached the quorum of " +
                       std::to_string(w.quorum) + " witnesses yet");
  }
  HttpResponse r;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(w.note);
  r.headers.emplace_back(std::string(kWitnessedHeader), "true");
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

}  // namespace fl::http
