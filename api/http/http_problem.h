// RFC 9457 problem details with the stable codes of API.md, and JSON
// responses.
#pragma once

#include <string>
#include <string_view>

#include "api/http/http_message.h"
#include "crypto/status.h"
#include "ledger/canonical_json.h"

namespace fl::http {

inline constexpr std::string_view kProblemType = "urn:fundledger:error:";

// {"type","title","status","detail","field?"} for one error, with the
// status of api/http_status_map (or the one given).
Json ProblemJson(const Error& error);
Json ProblemJson(const Error& error, int status);
// An application/problem+json response carrying `problem` (which may hold
// more members, e.g. a batch's `errors`).
HttpResponse ProblemResponse(int status, const std::string& code,
                             const Json& problem);
HttpResponse Problem(const Error& error);
HttpResponse Problem(int status, std::string code, std::string detail,
                     std::string field = {});

HttpResponse JsonResponse(int status, const Json& body);
// The same for a body already written as JSON text (receipt_json.h).
HttpResponse JsonTextResponse(int status, std::string json_text);
// Compact JSON text; invalid UTF-8 in strings becomes U+FFFD.
std::string Dump(const Json& value);

// A fixed human summary per code ("bad_signature" -> "Bad signature").
std::string ProblemTitle(std::string_view code);

}  // namespace fl::http
