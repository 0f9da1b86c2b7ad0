// R04 crowding-out 挤占: special funds paying a forbidden economic class, or
// paying a government body (USCC starting with 1) that is not the
// contract's supplier.
#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

void OnEvent(const Event& e, State& s, Findings& acts) {
  if (e.type != "payment.made") return;
  const PaymentFields& f = e.payment();
  const Lot* lot = s.lots.Find(f.lot);
  if (!lot) return;
  if (!IsLotteryFund(lot->fund) && !IsAssistanceFund(lot->fund) &&
      lot->fund != "civil_affairs_special")
    return;
  Params p = ParamsFor(s, "R04", lot->division, f.paid_on);
  const std::string_view payee = f.payee;
  bool forbidden = p.Contains("forbidden", f.economic_class);
  bool government = !payee.empty() && payee[0] == '1';
  if (government) {
    const Contract* c = s.contracts.Find(f.contract);
    if (c && c->supplier == payee) government = false;
  }
  if (!forbidden && !government) return;
  std::vector<std::uint64_t> ev = {e.seq};
  if (p.policy_seq()) ev.push_back(p.policy_seq());
  acts.Add(
      MakeFinding("R04", f.id, lot->division, kHigh, f.amount, std::move(ev)));
}

}  // namespace

extern const Rule kR04 = {"R04", OnEvent, nullptr};

}  // namespace fl::replay
