// One log entry as the projections see it: seq, type, agency, the date of
// occurred_at and the event's data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/status.h"
#include "ledger/canonical_json.h"
#include "replay/date.h"

namespace fl::replay {

struct Event {
  std::uint64_t seq = 0;
  std::string type, agency, id;
  Day occurred = kNoDay;
  Json data;
};

// Decodes a stored entry (LEDGER.md 3). The ledger checked it on append,
// so a failure here means a damaged store.
Result<Event> DecodeEntry(std::string_view entry);

// Field access for data the schema already checked; absent -> default.
const std::string& Str(const Json& j, const char* key);
std::int64_t Int(const Json& j, const char* key, std::int64_t def = 0);
Day DateField(const Json& j, const char* key);  // kNoDay when absent
// The array under `key`, or an empty one; no copy.
const Json& Items(const Json& j, const char* key);

}  // namespace fl::replay
