#include "replay/entry_range.h"

#include <string>

namespace fl::replay {
namespace {

// A decode error names the entry it was found in.
Error AtEntry(std::uint64_t seq, const Error& e) {
  Error named = e;
  named.detail = "entry " + std::to_string(seq) + ": " + e.detail;
  return named;
}

}  // namespace

Status DecodeEntries(const Ledger& ledger, std::uint64_t from, std::uint64_t to,
                     std::vector<Event>& events) {
  events.resize(to - from);
  std::size_t n = 0;
  Status failed;
  FL_RETURN_IF_ERROR(ledger.ForEachEntry(
      from, to, [&](std::uint64_t seq, std::string_view bytes) {
        Status s = DecodeEntryInto(bytes, events[n]);
        if (!s.ok()) {
          failed = AtEntry(seq, s.error());
          return false;
        }
        ++n;
        return true;
      }));
  events.resize(n);
  return failed;
}

Status ForEachEvent(const Ledger& ledger, std::uint64_t from, std::uint64_t to,
                    Event& e, const std::function<void(const Event&)>& fn) {
  Status failed;
  FL_RETURN_IF_ERROR(ledger.ForEachEntry(
      from, to, [&](std::uint64_t seq, std::string_view bytes) {
        Status s = DecodeEntryInto(bytes, e);
        if (!s.ok()) {
          failed = AtEntry(seq, s.error());
          return false;
        }
        fn(e);
        return true;
      }));
  return failed;
}

}  // namespace fl::replay
