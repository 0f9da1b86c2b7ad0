// R16 station under-funded 每站不少于2万元: a station established in year Y
// with less than min of SWS.SETUP payments naming it, paid by Dec 31 of Y;
// judged once that day has passed.
#include "crypto/check.h"
#include "replay/money.h"
#include "replay/programs.h"
#include "replay/rules/rule.h"

namespace fl::replay {

namespace {

void AtAsOf(const State& s, Day as_of, Findings& out) {
  for (const auto& [id, st] : s.stations.rows()) {
    const Day deadline = YearEnd(YearOf(st.established));
    if (as_of <= deadline) continue;
    std::int64_t funded = 0;
    std::vector<std::uint64_t> ev = {st.seq};
    // Only the station's SWS.SETUP payments: walking all its payments at
    // every judgement was most of a judgement's time at 1M entries.
    for (const Payment& pay : StationSetupPayments(s, id)) {
      const Payment* p = &pay;
      if (p->reversed || p->paid_on > deadline) continue;
      const Lot* l = s.lots.Find(p->lot);
      FL_CHECK(l && l->program == programs::kSwsSetup, "payment ", p->id,
               " in the SWS.SETUP group of station ", id);
      funded = FenAdd(funded, p->amount);
      ev.push_back(p->seq);
    }
    Params prm = ParamsFor(s, "R16", st.division, st.established);
    if (funded >= prm.Int("min")) continue;
    out.Add(MakeFinding("R16", id, st.division, kLow,
                        FenSub(prm.Int("min"), funded), std::move(ev)));
  }
}

}  // namespace

extern const Rule kR16 = {"R16", nullptr, AtAsOf};

}  // namespace fl::replay
