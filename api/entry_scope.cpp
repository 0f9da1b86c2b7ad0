#include "api/entry_scope.h"

namespace fl {
namespace {

constexpr const char* kNational = "000000";

std::string StringAt(const Json& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>()
                                            : std::string();
}

}  // namespace

void EntryScope::CatchUp() {
  // The ledger has no public agency lookup, so read the registrations from
  // the log once, incrementally (entries never change once written).
  std::uint64_t size = ledger_.TreeSize();
  for (; scanned_ < size; ++scanned_) {
    auto entry = ledger_.EntryAt(scanned_);
    if (!entry.ok()) return;  // retried on the next lookup
    if (entry->find("\"type\":\"agency.registered\"") == std::string::npos) {
      continue;
    }
    Json e = Json::parse(*entry, nullptr, /*allow_exceptions=*/false);
    const Json& event = e.is_object() ? e.value("event", Json()) : Json();
    if (StringAt(event, "type") != "agency.registered") continue;
    const Json& data = event.value("data", Json());
    std::string agency = StringAt(data, "agency");
    if (!agency.empty()) {
      divisions_.emplace(agency, StringAt(data, "division_code"));
    }
  }
}

std::string EntryScope::AgencyDivision(const std::string& agency) {
  auto it = divisions_.find(agency);
  if (it == divisions_.end()) {
    CatchUp();
    it = divisions_.find(agency);
  }
  return it == divisions_.end() || it->second.empty() ? kNational : it->second;
}

std::string EntryScope::DivisionOf(const Json& entry) {
  const Json event = entry.is_object() ? entry.value("event", Json()) : Json();
  const Json data = event.is_object() ? event.value("data", Json()) : Json();
  std::string type = StringAt(event, "type");
  if (auto d = StringAt(data, "division_code"); !d.empty()) return d;
  if (type == "policy.set") return StringAt(data, "scope");
  if (type == "allocation.issued") return StringAt(data, "from_code");
  if (type == "program.defined") return kNational;
  std::lock_guard lock(mu_);
  if (type.starts_with("agency.")) {
    return AgencyDivision(StringAt(data, "agency"));
  }
  return AgencyDivision(StringAt(event, "agency"));
}

}  // namespace fl
