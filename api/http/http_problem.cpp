#include "api/http/http_problem.h"

#include <cctype>

#include "api/http/http_status_map.h"

namespace fl::http {

std::string Dump(const Json& value) {
  // Details may quote request bytes; never throw on invalid UTF-8.
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string ProblemTitle(std::string_view code) {
  std::string title(code);
  for (char& c : title) {
    if (c == '_') c = ' ';
  }
  if (!title.empty()) {
    title[0] =
        static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
  }
  return title;
}

Json ProblemJson(const Error& error) {
  return ProblemJson(error, HttpStatus(error));
}

Json ProblemJson(const Error& error, int status) {
  Json p = {{"type", std::string(kProblemType) + error.reason},
            {"title", ProblemTitle(error.reason)},
            {"status", status},
            {"detail", error.detail}};
  if (!error.field.empty()) p["field"] = error.field;
  return p;
}

HttpResponse ProblemResponse(int status, const std::string& code,
                             const Json& problem) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = Dump(problem);
  r.code = code;
  if (status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  // API.md: every 503 (overloaded, storage_unavailable, projection_lag)
  // says when to come back; a handler may set a longer wait.
  if (status == 503) r.headers.emplace_back("Retry-After", "1");
  return r;
}

HttpResponse Problem(const Error& error) {
  int status = HttpStatus(error);
  return ProblemResponse(status, error.reason, ProblemJson(error, status));
}

HttpResponse Problem(int status, std::string reason, std::string detail,
                     std::string field) {
  // A refusal the edge itself makes (405, 415, 431, ...): the status is
  // already the HTTP one, so the table is not consulted.
  Error error{Code::kInvalidArgument, std::move(reason), std::move(detail),
              std::move(field)};
  return ProblemResponse(status, error.reason, ProblemJson(error, status));
}

HttpResponse JsonResponse(int status, const Json& body) {
  return JsonTextResponse(status, Dump(body));
}

HttpResponse JsonTextResponse(int status, std::string json_text) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(json_text);
  return r;
}

}  // namespace fl::http
