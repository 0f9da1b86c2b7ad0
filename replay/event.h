// One log entry as the projections see it: seq, type, agency, the date of
// occurred_at and the event's data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/status.h"
#include "replay/date.h"
#include "replay/doc.h"
#include "replay/payment_fields.h"

namespace fl::replay {

struct Event {
  std::uint64_t seq = 0;
  std::string type, agency, id;
  Day occurred = kNoDay;
  Doc doc;  // the event object
  // The event's data (a null Value when absent). Found once at decode:
  // every rule asks for it, for every event.
  Value data() const { return data_node ? doc.at(data_node) : Value(); }
  // The data of a payment.made event (empty fields for any other type).
  PaymentFields payment() const { return payment_index.Resolve(doc); }

  std::uint32_t data_node = 0;  // 0: no data member
  PaymentFieldIndex payment_index;
};

// Decodes a stored entry (LEDGER.md 3). The ledger checked it on append,
// so a failure here means a damaged store.
Result<Event> DecodeEntry(std::string_view entry);
// The same into `e`, reusing its buffers: the fold decodes millions of
// entries into one batch of Events, so this saves their allocations.
Status DecodeEntryInto(std::string_view entry, Event& e);

// Field access for data the schema already checked; absent -> default.
std::string_view Str(Value j, const char* key);
std::int64_t Int(Value j, const char* key, std::int64_t def = 0);
Day DateField(Value j, const char* key);  // kNoDay when absent
// The array under `key`; iterates nothing when absent.
inline Value Items(Value j, const char* key) { return j[key]; }

}  // namespace fl::replay
