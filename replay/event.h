// One log entry as the projections see it: seq, type, agency, the date of
// occurred_at and the event's data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "crypto/status.h"
#include "replay/date.h"
#include "replay/doc.h"
#include "replay/payment_fields.h"

namespace fl::replay {

// What DecodeEntryInto reads from an entry.
struct EventFields {
  std::uint64_t seq = 0;
  std::string type, agency, id;
  Day occurred = kNoDay;
  Doc doc;                      // the event object
  std::uint32_t data_node = 0;  // 0: no data member
  PaymentFieldIndex payment_index;
};

// EventFields plus the payment's fields as views into `doc`. The projector
// and six rules read them for every payment; resolved by each of them it
// was ~5% of a replay (docs/PERFORMANCE.md). They are resolved once, and
// again after a copy or move, whose doc is another object.
struct Event : EventFields {
  Event() = default;
  Event(const Event& o) : EventFields(o) { ResolvePayment(); }
  Event(Event&& o) noexcept : EventFields(std::move(o)) { ResolvePayment(); }
  Event& operator=(const Event& o) {
    EventFields::operator=(o);
    ResolvePayment();
    return *this;
  }
  Event& operator=(Event&& o) noexcept {
    EventFields::operator=(std::move(o));
    ResolvePayment();
    return *this;
  }

  // The event's data (a null Value when absent). Found once at decode:
  // every rule asks for it, for every event.
  Value data() const { return data_node ? doc.at(data_node) : Value(); }
  // The data of a payment.made event (empty fields for any other type).
  const PaymentFields& payment() const { return payment_; }
  // Points payment() into doc; DecodeEntryInto calls it once doc and
  // payment_index are read.
  void ResolvePayment() { payment_ = payment_index.Resolve(doc); }

 private:
  PaymentFields payment_;
};

// Decodes a stored entry (LEDGER.md 3) into `e`, reusing its buffers: the
// fold decodes millions of entries into a few Events, so this saves their
// allocations. The ledger checked the entry on append, so a failure here
// means a damaged store; the caller names the seq (entry_range.h).
Status DecodeEntryInto(std::string_view entry, Event& e);

// Field access for data the schema already checked; absent -> default.
std::string_view Str(Value j, const char* key);
std::int64_t Int(Value j, const char* key, std::int64_t def = 0);
Day DateField(Value j, const char* key);  // kNoDay when absent
// The array under `key`; iterates nothing when absent.
inline Value Items(Value j, const char* key) { return j[key]; }

}  // namespace fl::replay
