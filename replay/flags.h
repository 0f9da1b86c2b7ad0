// Flags (RULES.md): every rule's findings at an as_of, with exceptions and
// reviews applied, sorted by flag_id.
#pragma once

#include <string>
#include <vector>

#include "ledger/flag_id.h"
#include "replay/state.h"

namespace fl::replay {

struct Flag {
  std::string flag_id, status;
  Finding finding;
  bool operator==(const Flag&) const = default;
};

// The order of a flag list: by flag_id (RULES.md, the pages' cursor),
// then subject.
inline bool FlagLess(const Flag& a, const Flag& b) {
  return a.flag_id < b.flag_id ||
         (a.flag_id == b.flag_id && a.finding.subject < b.finding.subject);
}

// RULES.md: the newest occurred_at date in the log. The genesis entry is
// left out: `init` stamps it with the wall clock, and a history imported
// later must be judged as of its own time.
Day DefaultAsOf(const State& s);
std::vector<Flag> EvaluateFlags(const State& s, Day as_of);
// The RULES.md shape, keys in canonical order.
Json FlagJson(const Flag& f, Day as_of);

}  // namespace fl::replay
