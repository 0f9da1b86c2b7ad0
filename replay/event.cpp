#include "replay/event.h"

#include "ledger/entry.h"

namespace fl::replay {

Status DecodeEntryInto(std::string_view entry, Event& e) {
  // One pass over the event: the parse finds where it ends, and the scan
  // checks only the members after it.
  std::size_t event_end = 0;
  const bool parsed =
      entry.starts_with(kEntryEventPrefix) &&
      e.doc.ParseValueAt(entry, kEntryEventPrefix.size(), &event_end);
  if (!parsed) {
    // Named by the scan's own error when the entry's shape is wrong.
    auto view = ScanEntry(entry);
    if (!view.ok()) return view.error();
    return DataLoss("event not JSON");
  }
  auto view = ScanEntryAfterEvent(entry, event_end);
  if (!view.ok()) return view.error();
  e.seq = view->seq;
  if (!e.doc.root().is_object()) return DataLoss("event not JSON");
  Value ev = e.doc.root();
  e.type.assign(Str(ev, "type"));
  e.agency.assign(Str(ev, "agency"));
  e.id.assign(Str(ev, "id"));
  auto day = ParseDay(Str(ev, "occurred_at"));
  if (!day) {
    return DataLoss("bad occurred_at");
  }
  e.occurred = *day;
  const Value data = ev["data"];
  e.data_node = data.present() ? data.index() : 0;
  // Other types keep an empty index (every field absent).
  e.payment_index.Read(e.type == "payment.made" ? data : Value());
  e.ResolvePayment();
  return Status::Ok();
}

std::string_view Str(Value j, const char* key) { return j[key].str(); }

std::int64_t Int(Value j, const char* key, std::int64_t def) {
  Value v = j[key];
  return v.is_int() ? v.num() : def;
}

Day DateField(Value j, const char* key) {
  auto d = ParseDay(Str(j, key));
  return d ? *d : kNoDay;
}

}  // namespace fl::replay
