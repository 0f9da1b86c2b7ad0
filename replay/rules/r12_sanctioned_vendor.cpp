// R12 sanctioned vendor 黑名单: a contract signed with, or a payment made to,
// a supplier inside an active sanction window [from, to) on that date.
// Judged over all dated facts at as_of, so a sanction recorded after the
// payment still catches it.
#include <algorithm>

#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

const SanctionWindow* ActiveOn(const Vendor& v, Day d) {
  for (const auto& w : v.windows) {
    Day end = w.lifted != kNoDay ? std::min(w.to, w.lifted) : w.to;
    if (w.from <= d && d < end) return &w;
  }
  return nullptr;
}

void AtAsOf(const State& s, Day /*as_of*/, Findings& out) {
  for (const auto& [uscc, vendor] : s.vendors.rows()) {
    for (const auto& id : s.supplier_contracts.Get(uscc)) {
      const Contract* c = s.contracts.Find(id);
      if (!c) continue;
      if (const SanctionWindow* w = ActiveOn(vendor, c->signed_on)) {
        out.Add(MakeFinding("R12", id, c->division, kCritical, c->value,
                            {c->signed_seq, w->seq}));
      }
    }
    for (const Payment& pay : PayeePayments(s, uscc)) {
      const Payment* p = &pay;
      const SanctionWindow* w = ActiveOn(vendor, p->paid_on);
      if (!w) continue;
      int sev = kHigh;
      // Paying for work accepted before the sanction began: medium.
      if (const Contract* c = s.contracts.Find(p->contract);
          c && !p->milestone.empty()) {
        auto m = c->milestones.find(p->milestone);
        if (m != c->milestones.end() && m->second < w->from) sev = kMedium;
      }
      out.Add(MakeFinding("R12", p->id, PaymentDivision(s, *p), sev, p->amount,
                          {p->seq, w->seq}));
    }
  }
}

}  // namespace

extern const Rule kR12 = {"R12", nullptr, AtAsOf};

}  // namespace fl::replay
