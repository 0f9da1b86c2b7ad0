// R10 fragmented use 分散使用: a lot with targets[] paying a station outside
// them, or leaving a target below min_per_target_fen once the deadline has
// passed (payments made by the deadline count).
#include <algorithm>

#include "replay/money.h"
#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

void OnEvent(const Event& e, State& s, Findings& acts) {
  if (e.type != "payment.made") return;
  const PaymentFields& f = e.payment();
  const Lot* lot = s.lots.Find(f.lot);
  const std::string_view station = f.station;
  if (!lot || lot->targets.empty() || station.empty()) return;
  if (std::find(lot->targets.begin(), lot->targets.end(), station) !=
      lot->targets.end())
    return;
  acts.Add(MakeFinding("R10", lot->id, lot->division, kMedium, f.amount,
                       {e.seq, lot->open_seq}));
}

void AtAsOf(const State& s, Day as_of, Findings& out) {
  for (const auto& [id, lot] : s.lots.rows()) {
    if (lot.targets.empty() || lot.min_per_target <= 0 ||
        lot.deadline == kNoDay || as_of <= lot.deadline)
      continue;
    std::int64_t shortfall = 0;
    for (const auto& t : lot.targets) {
      auto it = lot.target_paid.find(t);
      std::int64_t paid = it == lot.target_paid.end() ? 0 : it->second;
      if (paid < lot.min_per_target)
        shortfall = FenAdd(shortfall, FenSub(lot.min_per_target, paid));
    }
    if (shortfall <= 0) continue;
    out.Add(MakeFinding("R10", id, lot.division, kMedium, shortfall,
                        {lot.open_seq}));
  }
}

}  // namespace

extern const Rule kR10 = {"R10", OnEvent, AtAsOf};

}  // namespace fl::replay
