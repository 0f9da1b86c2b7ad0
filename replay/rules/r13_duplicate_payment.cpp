// R13 duplicate payment 重复支付: two non-reversed payments sharing (payee,
// invoice_no) or (contract, milestone): high; same payee and amount within
// `window` days under different invoices: low. The later payment (by seq)
// is the subject. Reversals are read at as_of, so they clear a pair.
#include <cstdlib>

#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

// An earlier (by seq) live member of `group` for which same(q) holds, or
// nullptr. With window >= 0: only payments within it under another
// invoice.
template <class Same>
const Payment* EarlierLive(const State& s, const PaymentGroups::Key& group,
                           const Payment& p, Day window, Same same) {
  for (const Payment& q : s.payment_groups.Get(group)) {
    if (q.reversed || q.seq >= p.seq || !same(q)) continue;
    if (window >= 0) {
      if (std::abs(q.paid_on - p.paid_on) > window) continue;
      if (q.invoice == p.invoice) continue;  // that is the high check
    }
    return &q;
  }
  return nullptr;
}

void AtAsOf(const State& s, Day /*as_of*/, Findings& out) {
  for (const auto& id : s.dup_candidates.Get("")) {
    const Payment* p = s.payments.Find(id);
    if (!p || p->reversed) continue;
    const std::string division = PaymentDivision(s, *p);
    if (const Payment* q =
            EarlierLive(s, InvoiceGroup(*p), *p, -1,
                        [&](const Payment& m) { return SameInvoice(m, *p); })) {
      out.Add(
          MakeFinding("R13", id, division, kHigh, p->amount, {q->seq, p->seq}));
    }
    if (HasMilestoneGroup(*p)) {
      if (const Payment* q = EarlierLive(
              s, MilestoneGroup(*p), *p, -1,
              [&](const Payment& m) { return SameMilestone(m, *p); })) {
        out.Add(MakeFinding("R13", id, division, kHigh, p->amount,
                            {q->seq, p->seq}));
      }
    }
    Params prm = ParamsFor(s, "R13", division, p->paid_on);
    const Day window = static_cast<Day>(prm.Int("window"));
    const auto [first, last] = AmountBucketsNear(p->paid_on, window);
    for (Day b = first; b <= last; ++b) {
      if (const Payment* q =
              EarlierLive(s, PaymentGroups::Key::Amount(p->payee, p->amount, b),
                          *p, window, [](const Payment&) { return true; })) {
        out.Add(MakeFinding("R13", id, division, kLow, p->amount,
                            {q->seq, p->seq}));
        break;
      }
    }
  }
}

}  // namespace

extern const Rule kR13 = {"R13", nullptr, AtAsOf};

}  // namespace fl::replay
