// Receipts as API.md gives them, written straight into the response body:
// a batch of a hundred answered through a JSON DOM built and then dumped
// a hundred objects of five members (issue 10's "a receipt written without
// a JSON DOM"). The bytes are those Dump (http_problem.h) makes of the
// same object: members in key order, compact.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger/ledger.h"

namespace fl::http {

// {"checkpoint":..,"event_id":..,"leaf_hash":..,"recorded_at":..,"seq":..
// [,"witnessed":..]}: `witnessed` only with witnesses configured.
void AppendReceiptJson(std::string& out, const Receipt& r,
                       std::optional<bool> witnessed);

}  // namespace fl::http
