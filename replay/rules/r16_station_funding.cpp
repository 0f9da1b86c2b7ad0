// R16 station under-funded 每站不少于2万元: a station established in year Y
// with less than min of SWS.SETUP payments naming it, paid by Dec 31 of Y;
// judged once that day has passed.
#include <limits>

#include "crypto/check.h"
#include "replay/money.h"
#include "replay/programs.h"
#include "replay/rules/rule.h"

namespace fl::replay {

namespace {

// The sums R16 judges by, kept as payments are applied and reversed: the
// fixture's 22,051 stations have ~300k SETUP payments between them, and
// reading each of them at every judgement was most of a judgement's time
// (and of the live worker's) at 1M entries. Exactly the payments of the
// station's SWS.SETUP group (projector.cpp, JoinPaymentGroups) count.
void OnPayment(State& s, const Payment& p, const Lot& lot, std::int64_t sign) {
  if (p.station.empty() || lot.program != programs::kSwsSetup) return;
  // A payment without a date (not accepted at append) is before any
  // deadline, as a comparison of days would have it.
  const int year =
      p.paid_on == kNoDay ? std::numeric_limits<int>::min() : YearOf(p.paid_on);
  std::int64_t& sum = s.setups.Upsert(p.station).by_year[year];
  sum = FenAdd(sum, sign * p.amount);
}

std::int64_t PaidByYearEnd(const State& s, std::string_view station, int year) {
  const SetupSums* sums = s.setups.Find(station);
  if (!sums) return 0;
  std::int64_t funded = 0;
  for (const auto& [y, amount] : sums->by_year) {
    if (y > year) break;
    funded = FenAdd(funded, amount);
  }
  return funded;
}

void AtAsOf(const State& s, Day as_of, Findings& out) {
  // A station is judged once Dec 31 of its year has passed, that is when
  // it was established before as_of's year began.
  const Day judged_until = YearEnd(YearOf(as_of) - 1);
  // Nearly every station is funded past every min in force; those are
  // passed over without looking up their own parameters (a third of a
  // walk over the fixture's 22,051 stations at 1M entries).
  const std::int64_t highest_min = HighestIntParam(s, "R16", "min");
  for (const auto& [id, st] : s.stations.rows()) {
    // A station without a date (not accepted at append) keeps the
    // comparison of days it always had.
    const bool judged = st.established == kNoDay
                            ? as_of > YearEnd(YearOf(kNoDay))
                            : st.established <= judged_until;
    if (!judged) continue;
    const int year = YearOf(st.established);
    const std::int64_t paid = PaidByYearEnd(s, id, year);
    if (paid >= highest_min) continue;
    Params prm = ParamsFor(s, "R16", st.division, st.established);
    if (paid >= prm.Int("min")) continue;
    const Day deadline = YearEnd(year);
    // Under-funded (few stations): its payments are the evidence, and the
    // figure is taken from them, so that amount and evidence agree.
    std::int64_t funded = 0;
    std::vector<std::uint64_t> ev = {st.seq};
    for (const Payment& p : StationSetupPayments(s, id)) {
      if (p.reversed || p.paid_on > deadline) continue;
      const Lot* l = s.lots.Find(p.lot);
      FL_CHECK(l && l->program == programs::kSwsSetup, "payment ", p.id,
               " in the SWS.SETUP group of station ", id);
      funded = FenAdd(funded, p.amount);
      ev.push_back(p.seq);
    }
    if (funded >= prm.Int("min")) continue;
    out.Add(MakeFinding("R16", id, st.division, kLow,
                        FenSub(prm.Int("min"), funded), std::move(ev)));
  }
}

}  // namespace

extern const Rule kR16 = {"R16", nullptr, AtAsOf, OnPayment};

}  // namespace fl::replay
