// The one place that turns a core refusal (Code, reason) into the HTTP status
// of API.md's table. The core never names an HTTP number.
#pragma once

#include <span>
#include <string_view>

#include "crypto/status.h"

namespace fl::http {

// One row of API.md "Status codes": a stable reason, the Code the core gives
// it, and the status the edge answers with.
struct ReasonStatus {
  std::string_view reason;
  Code code;
  int status;
};

// Every reason with a status of its own, API.md's table first.
std::span<const ReasonStatus> ReasonStatusTable();

// The status for a Code whose reason has no row (e.g. kDataLoss -> 500).
int DefaultHttpStatus(Code code);

// The row for `reason` if there is one, else the Code's default.
int HttpStatus(Code code, std::string_view reason);
inline int HttpStatus(const Error& error) {
  return HttpStatus(error.code, error.reason);
}

}  // namespace fl::http
