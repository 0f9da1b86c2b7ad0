#include "api/http/entry_scope.h"

namespace fl {

std::string EntryScope::DivisionOf(const Json& entry) const {
  auto seq = entry.find("seq");
  if (seq == entry.end() || !seq->is_number_unsigned()) return "000000";
  auto division = ledger_.EntryDivision(seq->get<std::uint64_t>());
  return division.ok() ? *division : std::string("000000");
}

}  // namespace fl
