#include "api/http/http_status_map.h"

#include <array>

namespace fl::http {
namespace {

constexpr std::array kRows = {
    // 400: the request is not a well-formed event.
    ReasonStatus{"malformed_json", Code::kInvalidArgument, 400},
    ReasonStatus{"duplicate_key", Code::kInvalidArgument, 400},
    ReasonStatus{"non_integer_number", Code::kInvalidArgument, 400},
    ReasonStatus{"too_deep", Code::kInvalidArgument, 400},
    ReasonStatus{"invalid_field", Code::kInvalidArgument, 400},
    ReasonStatus{"unknown_field", Code::kInvalidArgument, 400},
    ReasonStatus{"missing_field", Code::kInvalidArgument, 400},
    ReasonStatus{"unknown_event_type", Code::kInvalidArgument, 400},
    // 401: the signature or token does not check out.
    ReasonStatus{"bad_signature", Code::kUnauthenticated, 401},
    ReasonStatus{"unknown_key", Code::kUnauthenticated, 401},
    ReasonStatus{"key_revoked", Code::kUnauthenticated, 401},
    ReasonStatus{"unauthenticated", Code::kUnauthenticated, 401},
    // 403: not allowed for this type or division.
    ReasonStatus{"forbidden_event_type", Code::kPermissionDenied, 403},
    ReasonStatus{"out_of_scope", Code::kPermissionDenied, 403},
    ReasonStatus{"not_found", Code::kNotFound, 404},
    ReasonStatus{"event_id_conflict", Code::kConflict, 409},
    ReasonStatus{"payload_too_large", Code::kResourceExhausted, 413},
    ReasonStatus{"unsupported_media_type", Code::kInvalidArgument, 415},
    // 422: well-formed, but names what is not there.
    ReasonStatus{"unknown_reference", Code::kFailedPrecondition, 422},
    ReasonStatus{"tree_size_out_of_range", Code::kInvalidArgument, 422},
    ReasonStatus{"rate_limited", Code::kResourceExhausted, 429},
    // 503: try again later (each answered with Retry-After by its handler).
    ReasonStatus{"overloaded", Code::kUnavailable, 503},
    ReasonStatus{"storage_unavailable", Code::kUnavailable, 503},
    ReasonStatus{"projection_lag", Code::kUnavailable, 503},
};

}  // namespace

std::span<const ReasonStatus> ReasonStatusTable() { return kRows; }

int DefaultHttpStatus(Code code) {
  // Google's AIP-193 mapping of the canonical codes.
  switch (code) {
    case Code::kInvalidArgument:
    case Code::kFailedPrecondition:
      return 400;
    case Code::kUnauthenticated:
      return 401;
    case Code::kPermissionDenied:
      return 403;
    case Code::kNotFound:
      return 404;
    case Code::kConflict:
      return 409;
    case Code::kResourceExhausted:
      return 429;
    case Code::kUnavailable:
      return 503;
    case Code::kDataLoss:
    case Code::kInternal:
      return 500;
  }
  return 500;
}

int HttpStatus(Code code, std::string_view reason) {
  for (const ReasonStatus& row : kRows) {
    if (row.reason == reason) return row.status;
  }
  return DefaultHttpStatus(code);
}

}  // namespace fl::http
