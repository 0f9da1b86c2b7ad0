// Stateless checks of a submitted envelope against LEDGER.md 2 and
// EVENTS.md: shape, field types, vocabularies, identifiers. Stateful checks
// (keys, authorization, references, idempotency) live in validator.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crypto/status.h"
#include "ledger/canonical_json.h"

namespace fl {

// `envelope` is {"event": {...}, "signature": {...}} as parsed by
// ParseStrict. Errors carry API.md reasons (invalid_field, unknown_field,
// missing_field, unknown_event_type; payload_too_large when the
// canonical event is over 60,000 bytes) and `field` as a JSON pointer into
// the envelope, e.g. "/event/data/amount_fen". The size check
// canonicalises the event; `canonical_event`, when given, receives those
// bytes whenever the envelope has an event (so Prepare does not make them
// twice).
Status ValidateEnvelope(const Json& envelope,
                        std::string* canonical_event = nullptr);

// LEDGER.md 1 (amended 2026-12): `occurred_at` (already a valid timestamp)
// no earlier than limits::kEarliestOccurredAt and no later than `latest`,
// the ledger's clock plus limits::kMaxOccurredAtAhead. 400 invalid_field.
Status CheckOccurredAt(std::string_view occurred_at, std::string_view latest);

// All event types of EVENTS.md, in catalogue order.
const std::vector<std::string>& EventTypes();

}  // namespace fl
