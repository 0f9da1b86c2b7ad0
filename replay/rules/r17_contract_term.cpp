// R17 contract term 合同期限: a period (after amendments) over 1 year with no
// amendment giving a rationale, or over 3 years in any case. "Over 1 year"
// is an end later than the same month and day a year on (Feb 29 -> Mar 1).
#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

void AtAsOf(const State& s, Day /*as_of*/, Findings& out) {
  for (const auto& [id, c] : s.contracts.rows()) {
    if (c.start == kNoDay || c.end == kNoDay) continue;
    const bool over3 = c.end > AddYears(c.start, 3);
    const bool over1 = c.end > AddYears(c.start, 1);
    if (!over3 && !(over1 && !c.amended)) continue;
    out.Add(
        MakeFinding("R17", id, c.division, kMedium, c.value, {c.signed_seq}));
  }
}

}  // namespace

extern const Rule kR17 = {"R17", nullptr, AtAsOf};

}  // namespace fl::replay
