// R18 fictitious claim 虚报冒领: a payment or acceptance for a station not yet
// established or already deregistered on that date (on or after the
// deregistration date), or an acceptance before the contract period.
// A deregistration recorded late also catches payments already recorded.
#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

bool NotOperating(const Station& st, Day d) {
  return d < st.established ||
         (st.deregistered != kNoDay && d >= st.deregistered);
}

void OnEvent(const Event& e, State& s, Findings& acts) {
  const Json& d = e.data;
  if (e.type == "payment.made") {
    const Station* st = s.stations.Find(Str(d, "station_id"));
    const Lot* lot = s.lots.Find(Str(d, "allocation_id"));
    if (!st || !lot || !NotOperating(*st, DateField(d, "paid_on"))) return;
    std::vector<std::uint64_t> ev = {e.seq, st->seq};
    if (st->deregistered_seq) ev.push_back(st->deregistered_seq);
    acts.Add(MakeFinding("R18", Str(d, "payment_id"), lot->division,
                         kCritical, Int(d, "amount_fen"), std::move(ev)));
  } else if (e.type == "milestone.accepted") {
    const Contract* c = s.contracts.Find(Str(d, "contract_id"));
    if (!c) return;
    const Day on = DateField(d, "accepted_on");
    bool bad = on < c->start;
    std::vector<std::uint64_t> ev = {e.seq, c->signed_seq};
    for (const auto& sid : c->stations) {
      const Station* st = s.stations.Find(sid);
      if (st && NotOperating(*st, on)) {
        bad = true;
        ev.push_back(st->seq);
      }
    }
    if (!bad) return;
    acts.Add(MakeFinding("R18", c->id, c->division, kCritical, 0,
                         std::move(ev)));
  } else if (e.type == "station.deregistered") {
    const Station* st = s.stations.Find(Str(d, "station_id"));
    const Day from = DateField(d, "date");
    if (!st || st->deregistered != kNoDay) return;
    for (const auto& pid : s.station_payments.Get(st->id)) {
      const Payment* p = s.payments.Find(pid);
      if (!p || p->paid_on < from) continue;
      acts.Add(MakeFinding("R18", p->id, PaymentDivision(s, *p), kCritical,
                           p->amount, {p->seq, st->seq, e.seq}));
    }
  }
}

}  // namespace

extern const Rule kR18 = {"R18", OnEvent, nullptr};

}  // namespace fl::replay
