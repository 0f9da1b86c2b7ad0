// R01 diversion 挪用: money spent from a lot not funded for it, or moved to
// another fund/program without an approval document.
#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

void OnEvent(const Event& e, State& s, Findings& acts) {
  const Value d = e.data();
  if (e.type == "payment.made") {
    const PaymentFields& f = e.payment();
    const Contract* c = s.contracts.Find(f.contract);
    const Lot* lot = s.lots.Find(f.lot);
    if (!c || !lot) return;
    bool named = false;
    for (const auto& fund : c->funding) named = named || fund.lot == lot->id;
    if (lot->program == c->program && named) return;
    acts.Add(MakeFinding("R01", f.id, lot->division, kCritical, f.amount,
                         {e.seq, c->signed_seq, lot->open_seq}));
  } else if (e.type == "funds.transferred") {
    const Lot* lot = s.lots.Find(Str(d, "allocation_id"));
    if (!lot || d.contains("approval_doc")) return;
    if (Str(d, "to_fund") == lot->fund && Str(d, "to_program") == lot->program)
      return;  // stays in its fund and program: not a move elsewhere
    acts.Add(MakeFinding("R01", Str(d, "new_allocation_id"), lot->division,
                         kCritical, Int(d, "amount_fen"),
                         {e.seq, lot->open_seq}));
  }
}

}  // namespace

extern const Rule kR01 = {"R01", OnEvent, nullptr};

}  // namespace fl::replay
