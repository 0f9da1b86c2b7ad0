// R05 out-of-scope 超范围支出: a category the lot's program does not allow,
// a payment outside the contract period, or for a station the contract
// does not cover. High once the contract's out-of-scope total passes 10%.
#include "replay/money.h"
#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

void OnEvent(const Event& e, State& s, Findings& acts) {
  if (e.type != "payment.made") return;
  const PaymentFields& f = e.payment();
  const Lot* lot = s.lots.Find(f.lot);
  if (!lot) return;
  bool known = false;
  bool bad = !CategoryAllowed(s, lot->program, f.service_category, &known);
  const Day paid_on = f.paid_on;
  const std::string_view station = f.station;
  Contract* c = s.contracts.Mut(f.contract);
  if (c) {
    if (paid_on < c->start || paid_on > c->end) bad = true;
    if (!station.empty() && !c->Covers(station)) bad = true;
  }
  if (!bad) return;
  const std::int64_t amount = f.amount;
  Params p = ParamsFor(s, "R05", lot->division, paid_on);
  int sev = kMedium;
  std::vector<std::uint64_t> ev = {e.seq};
  if (c) {
    c->out_of_scope_paid = FenAdd(c->out_of_scope_paid, amount);
    if (OverPct(c->out_of_scope_paid, c->value, p.Int("high_pct"))) sev = kHigh;
    ev.push_back(c->signed_seq);
  }
  acts.Add(MakeFinding("R05", f.id, lot->division, sev, amount, std::move(ev)));
}

}  // namespace

extern const Rule kR05 = {"R05", OnEvent, nullptr};

}  // namespace fl::replay
