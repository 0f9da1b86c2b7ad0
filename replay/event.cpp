#include "replay/event.h"

#include "ledger/entry.h"

namespace fl::replay {

Result<Event> DecodeEntry(std::string_view entry) {
  auto view = ScanEntry(entry);
  if (!view.ok()) return view.error();
  Event e;
  e.seq = view->seq;
  Json ev = Json::parse(view->event, nullptr, /*allow_exceptions=*/false);
  if (!ev.is_object()) {
    return Internal("entry " + std::to_string(e.seq) + ": event not JSON");
  }
  e.type = Str(ev, "type");
  e.agency = Str(ev, "agency");
  e.id = Str(ev, "id");
  auto day = ParseDay(Str(ev, "occurred_at"));
  if (!day) {
    return Internal("entry " + std::to_string(e.seq) + ": bad occurred_at");
  }
  e.occurred = *day;
  auto it = ev.find("data");
  if (it != ev.end()) e.data = std::move(*it);
  return e;
}

const std::string& Str(const Json& j, const char* key) {
  static const std::string kEmpty;
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return kEmpty;
  return it->get_ref<const std::string&>();
}

std::int64_t Int(const Json& j, const char* key, std::int64_t def) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return def;
  return it->get<std::int64_t>();
}

const Json& Items(const Json& j, const char* key) {
  static const Json kEmpty = Json::array();
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : kEmpty;
}

Day DateField(const Json& j, const char* key) {
  auto d = ParseDay(Str(j, key));
  return d ? *d : kNoDay;
}

}  // namespace fl::replay
