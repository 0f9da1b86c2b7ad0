// The stored entry (LEDGER.md 3) and the bytes a submitter signs (2).
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "crypto/sha256.h"
#include "crypto/status.h"

namespace fl {

// LEDGER.md 2 (amended 2026-12): the origin binds a signature to one
// ledger, so an envelope signed for a staging ledger or another province's
// ledger is refused here as bad_signature.
inline constexpr std::string_view kSignaturePrefix = "fundledger.event.v2\n";

// kSignaturePrefix || origin || "\n" || canonical event.
std::string SignedMessage(std::string_view origin,
                          std::string_view canonical_event);

// JCS({"seq","prev","recorded_at","event","signature"}) built directly:
// JCS orders the keys event < prev < recorded_at < seq < signature, and
// the two objects are already canonical, so no re-serialisation is needed.
std::string BuildEntry(std::uint64_t seq, const Hash& prev,
                       std::string_view recorded_at,
                       std::string_view canonical_event,
                       std::string_view canonical_signature);

// The top-level members of a stored entry, found by a structural scan that
// does not build a document, so `verify` can walk millions of entries.
// Only checks the shape; the caller checks the values.
struct EntryView {
  std::uint64_t seq = 0;
  std::string_view prev_hex;
  std::string_view recorded_at;
  std::string_view event;      // canonical JSON object text
  std::string_view signature;  // canonical JSON object text
};
Result<EntryView> ScanEntry(std::string_view entry);
// Where an entry's event object starts: every entry begins with this.
inline constexpr std::string_view kEntryEventPrefix = "{\"event\":";
// The same scan for a reader that has already parsed the event object
// itself and knows it spans [kEntryEventPrefix.size(), event_end): the
// replay's parser finds that end anyway, and skipping the event a second
// time here was ~5% of a replay (docs/PERFORMANCE.md).
Result<EntryView> ScanEntryAfterEvent(std::string_view entry,
                                      std::size_t event_end);

// RFC 3339 UTC, whole seconds, 'Z' suffix.
std::string FormatTimestamp(std::time_t t);
std::string NowTimestamp();

}  // namespace fl
