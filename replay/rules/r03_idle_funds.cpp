// R03 idle funds 闲置: a lot whose uncommitted money stays above min for
// more than T days after receipt (a budget lot: after appropriation).
#include "replay/money.h"
#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

void AtAsOf(const State& s, Day as_of, Findings& out) {
  for (const auto& [id, lot] : s.lots.rows()) {
    if (!lot.received_seen || lot.received_on == kNoDay) continue;
    Params p = ParamsFor(s, "R03", lot.division, lot.received_on);
    const Day age = as_of - lot.received_on;
    if (age <= p.Int("T")) continue;
    // Uncommitted: what is neither passed down, moved, recovered, paid,
    // nor owed under open contracts (EVENTS.md `available`).
    const std::int64_t uncommitted = FenSub(Balance(lot), Committed(s, lot));
    if (uncommitted <= p.Int("min")) continue;
    int sev = age > p.Int("high_after") ? kHigh : kMedium;
    std::vector<std::uint64_t> ev = {lot.open_seq, lot.received_seq};
    if (p.policy_seq()) ev.push_back(p.policy_seq());
    out.Add(
        MakeFinding("R03", id, lot.division, sev, uncommitted, std::move(ev)));
  }
}

}  // namespace

extern const Rule kR03 = {"R03", nullptr, AtAsOf};

}  // namespace fl::replay
