#include "replay/event.h"

#include "ledger/entry.h"

namespace fl::replay {

Result<Event> DecodeEntry(std::string_view entry) {
  auto view = ScanEntry(entry);
  if (!view.ok()) return view.error();
  Event e;
  e.seq = view->seq;
  if (!e.doc.Parse(view->event) || !e.doc.root().is_object()) {
    return DataLoss("entry " + std::to_string(e.seq) + ": event not JSON");
  }
  Value ev = e.doc.root();
  e.type = Str(ev, "type");
  e.agency = Str(ev, "agency");
  e.id = Str(ev, "id");
  auto day = ParseDay(Str(ev, "occurred_at"));
  if (!day) {
    return DataLoss("entry " + std::to_string(e.seq) + ": bad occurred_at");
  }
  e.occurred = *day;
  return e;
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
