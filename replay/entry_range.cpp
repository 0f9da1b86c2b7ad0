#include "replay/entry_range.h"

namespace fl::replay {

Status DecodeEntries(const Ledger& ledger, std::uint64_t from, std::uint64_t to,
                     std::vector<Event>& events) {
  events.resize(to - from);
  std::size_t n = 0;
  Status failed;
  FL_RETURN_IF_ERROR(
      ledger.ForEachEntry(from, to, [&](std::uint64_t, std::string_view bytes) {
        Status s = DecodeEntryInto(bytes, events[n]);
        if (!s.ok()) {
          failed = s;
          return false;
        }
        ++n;
        return true;
      }));
  events.resize(n);
  return failed;
}

}  // namespace fl::replay
