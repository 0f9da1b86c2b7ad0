// R18 fictitious claim 虚报冒领: a payment for a station not yet established
// or already deregistered on its paid_on (on or after the deregistration
// date), or a payment for a milestone accepted before the contract period
// starts. RULES.md names payments as R18's subjects, so an early acceptance
// flags the payments that carry its milestone, whichever came first. A
// deregistration recorded late also catches payments already recorded.
#include <algorithm>

#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

bool NotOperating(const Station& st, Day d) {
  return d < st.established ||
         (st.deregistered != kNoDay && d >= st.deregistered);
}

void OnEvent(const Event& e, State& s, Findings& acts) {
  const Value d = e.data();
  if (e.type == "payment.made") {
    const PaymentFields& f = e.payment();
    const Lot* lot = s.lots.Find(f.lot);
    if (!lot) return;
    std::vector<std::uint64_t> ev = {e.seq};
    if (const Station* st = s.stations.Find(f.station);
        st && NotOperating(*st, f.paid_on)) {
      ev.push_back(st->seq);
      if (st->deregistered_seq) ev.push_back(st->deregistered_seq);
    }
    if (const Contract* c = s.contracts.Find(f.contract);
        c && !c->early_milestones.empty() &&
        std::find(c->early_milestones.begin(), c->early_milestones.end(),
                  f.milestone) != c->early_milestones.end()) {
      ev.push_back(c->signed_seq);
    }
    if (ev.size() == 1) return;
    acts.Add(MakeFinding("R18", f.id, lot->division, kCritical, f.amount,
                         std::move(ev)));
  } else if (e.type == "milestone.accepted") {
    const Contract* c = s.contracts.Find(Str(d, "contract_id"));
    const Day on = DateField(d, "accepted_on");
    const std::string_view milestone = Str(d, "milestone_id");
    if (!c || on >= c->start || c->milestones.count(milestone)) return;
    // The group's key holds the contract id interned (a contract no
    // payment named was never interned, and has no payments) and a hash of
    // the milestone, so members are compared.
    const std::string_view contract = s.strings.FindInterned(c->id);
    if (contract.empty()) return;
    for (const Payment& p : s.payment_groups.Get(
             PaymentGroups::Key::Milestone(contract, milestone))) {
      if (p.contract != c->id || p.milestone != milestone) continue;
      acts.Add(MakeFinding("R18", p.id, PaymentDivision(s, p), kCritical,
                           p.amount, {p.seq, e.seq, c->signed_seq}));
    }
  } else if (e.type == "station.deregistered") {
    const Station* st = s.stations.Find(Str(d, "station_id"));
    const Day from = DateField(d, "date");
    if (!st || st->deregistered != kNoDay) return;
    for (const Payment& pay : StationPayments(s, st->id)) {
      const Payment* p = &pay;
      if (p->paid_on < from) continue;
      acts.Add(MakeFinding("R18", p->id, PaymentDivision(s, *p), kCritical,
                           p->amount, {p->seq, st->seq, e.seq}));
    }
  }
}

}  // namespace

extern const Rule kR18 = {"R18", OnEvent, nullptr};

}  // namespace fl::replay
