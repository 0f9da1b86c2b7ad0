// R02 retention 截留/滞留: a pass-through lot not passed down within N days
// of receipt (late or still held at as_of), or an issued lot not received
// within N days. N is 60 when the lot sits at a county, else 30.
#include <algorithm>

#include "replay/money.h"
#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

void AtAsOf(const State& s, Day as_of, Findings& out) {
  for (const auto& [id, lot] : s.lots.rows()) {
    if (lot.budget || lot.transfer) continue;  // no receipt involved
    Day when = lot.received_seen ? lot.received_on : lot.issued_on;
    Params p = ParamsFor(s, "R02", lot.division, when);
    const Day n = static_cast<Day>(
        IsCountyCode(lot.division) ? p.Int("N_county") : p.Int("N"));
    const std::int64_t tolerance = p.Int("tolerance");
    Day worst = 0;  // longest delay found
    std::int64_t amount = 0;
    std::vector<std::uint64_t> evidence = {lot.open_seq};
    if (p.policy_seq()) evidence.push_back(p.policy_seq());

    // In transit: issued, not received within N days.
    Day transit = lot.received_seen ? lot.received_on - lot.issued_on
                                    : as_of - lot.issued_on;
    if (transit > n) {
      amount = lot.amount;
      worst = std::max(worst, transit);
      if (lot.received_seen) evidence.push_back(lot.received_seq);
    }
    // Pass-through: parts passed down late, and the part still held.
    if (lot.pass_through && lot.received_seen) {
      std::int64_t late = 0;
      for (const auto& [day, amt, seq] : lot.down_issues) {
        if (day > as_of) continue;
        if (day - lot.received_on > n) {
          late = FenAdd(late, amt);
          worst = std::max(worst, day - lot.received_on);
          evidence.push_back(seq);
        }
      }
      std::int64_t held = FenSub(lot.received, lot.issued_down);
      if (held > 0 && as_of - lot.received_on > n) {
        late = FenAdd(late, held);
        worst = std::max(worst, as_of - lot.received_on);
      }
      if (late > 0) {
        // One lot, one amount: a late arrival and a late pass-down of the
        // same money are not added up.
        amount = std::max(amount, late);
        evidence.push_back(lot.received_seq);
      }
    }
    if (amount <= tolerance || worst == 0) continue;
    int sev = worst > p.Int("critical_after") ? kCritical : kHigh;
    out.Add(
        MakeFinding("R02", id, lot.division, sev, amount, std::move(evidence)));
  }
}

}  // namespace

extern const Rule kR02 = {"R02", nullptr, AtAsOf};

}  // namespace fl::replay
