#include "replay/rules/caps.h"

#include <algorithm>

#include "ledger/division.h"
#include "replay/money.h"
#include "replay/programs.h"
#include "replay/rules/rule.h"

namespace fl::replay {

void CapSumsOnPayment(State& s, const Payment& p, const Lot& lot,
                      std::int64_t sign) {
  if (!IsAssistanceFund(lot.fund)) return;
  // RULES.md: caps count a township's payments in its county.
  std::string key =
      JoinKey({CountyOf(lot.division), std::to_string(YearOf(p.paid_on))});
  const std::int64_t amt = sign * p.amount;
  const bool benefit = lot.program == programs::kAssistBenefit;
  bool counted = false;
  CapSums& c = s.caps.Upsert(key);
  if (!benefit) {
    c.r07 = FenAdd(c.r07, amt);
    counted = true;
  }
  if (lot.fund == "assistance.hardship_subsidy") {
    c.hardship = FenAdd(c.hardship, amt);
    counted = true;
    if (!benefit) c.r08 = FenAdd(c.r08, amt);
  }
  if (counted && sign > 0) s.cap_payments.Add(key, p.id);
}

CapFigures CapFor(const State& s, std::string_view key, Day as_of) {
  CapFigures f;
  auto bar = key.find('|');
  f.county = key.substr(0, bar);
  f.year = KeyYear(key);
  const CapSums* sums = s.caps.Find(key);
  if (!sums) return f;
  // Parameters in force at the end of the year (or as_of, if earlier).
  const Day when = std::min(as_of, YearEnd(f.year));

  f.r07_num = sums->r07;
  f.r07_pct = ParamsFor(s, "R07", f.county, when).Int("pct");
  if (const Declared* b =
          s.cap_bases.Find("assistance_pooled_total|" + f.county + "|" +
                           std::to_string(f.year - 1))) {
    f.r07_base = b->amount;
    f.r07_base_seq = b->seq;
    f.r07_limit =
        FenClamp(static_cast<__int128>(f.r07_base) * f.r07_pct / 10000);
    f.r07_over = OverPct(f.r07_num, f.r07_base, f.r07_pct);
  }

  f.r08_num = sums->r08;
  f.r08_pct = ParamsFor(s, "R08", f.county, when).Int("pct");
  if (const Declared* b =
          s.cap_bases.Find("hardship_subsidy_total_expenditure|" + f.county +
                           "|" + std::to_string(f.year))) {
    f.r08_base = b->amount;
    f.r08_base_seq = b->seq;
  } else {
    f.r08_base = sums->hardship;
  }
  f.r08_limit = FenClamp(static_cast<__int128>(f.r08_base) * f.r08_pct / 10000);
  f.r08_over = f.r08_num > 0 && OverPct(f.r08_num, f.r08_base, f.r08_pct);

  // The first fiscal_year.closed of the year for a division holding the
  // county, found by key: a walk over every close for each county-year
  // (R07 and R08 each judge every one) was ~a quarter of a judgement.
  const std::string year = "|" + std::to_string(f.year);
  for (const std::string& scope : ScopesContaining(f.county)) {
    const Declared* d = s.closes.Find(scope + year);
    if (!d) continue;
    if (!f.closed || d->seq < f.close_seq) f.close_seq = d->seq;
    f.closed = true;
  }
  return f;
}

std::vector<std::uint64_t> CountedPaymentSeqs(const State& s,
                                              std::string_view key,
                                              bool hardship) {
  std::vector<std::uint64_t> out;
  for (const auto& id : s.cap_payments.Get(key)) {
    const Payment* p = s.payments.Find(id);
    if (!p || p->reversed) continue;
    const Lot* l = s.lots.Find(p->lot);
    if (!l || l->program == programs::kAssistBenefit) continue;
    if (hardship ? l->fund != "assistance.hardship_subsidy"
                 : !IsAssistanceFund(l->fund))
      continue;
    out.push_back(p->seq);
  }
  return out;
}

std::vector<CapRow> CapRows(const State& s, Day as_of) {
  std::vector<CapRow> out;
  out.reserve(s.caps.size());
  for (const auto& [key, sums] : s.caps.rows())
    out.push_back(CapRow{std::string(key), {}});
  std::sort(out.begin(), out.end(), CapRowLess);
  for (CapRow& r : out) r.figures = CapFor(s, r.key, as_of);
  return out;
}

}  // namespace fl::replay
