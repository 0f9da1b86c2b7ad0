// R15 lottery off-purpose 不符合发行宗旨: lottery money paid for a purpose
// outside the five (high) or a forbidden economic class (critical); and,
// for a division and year closed, an elderly share below `share` bp of
// its lottery spending (low).
#include <string>
#include <unordered_map>

#include "ledger/division.h"
#include "replay/money.h"
#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

void OnEvent(const Event& e, State& s, Findings& acts) {
  if (e.type != "payment.made") return;
  const PaymentFields& f = e.payment();
  const Lot* lot = s.lots.Find(f.lot);
  if (!lot || !IsLotteryFund(lot->fund)) return;
  Params p = ParamsFor(s, "R15", lot->division, f.paid_on);
  int sev = -1;
  if (!p.Contains("purposes", f.purpose)) sev = kHigh;
  if (p.Contains("forbidden", f.economic_class)) sev = kCritical;
  if (sev < 0) return;
  acts.Add(MakeFinding("R15", f.id, lot->division, sev, f.amount, {e.seq}));
}

// R15(c)'s running sums: lottery spending and its elderly share per
// division and year.
void OnPayment(State& s, const Payment& p, const Lot& lot, std::int64_t sign) {
  if (!IsLotteryFund(lot.fund)) return;
  LotterySums& l = s.lottery.Upsert(
      JoinKey({lot.division, std::to_string(YearOf(p.paid_on))}));
  const std::int64_t amt = sign * p.amount;
  l.total = FenAdd(l.total, amt);
  if (p.purpose == "elderly") l.elderly = FenAdd(l.elderly, amt);
}

void AtAsOf(const State& s, Day /*as_of*/, Findings& out) {
  // The sums of every scope a lottery row lies within, by the scope's
  // prefix and the year, added up in one walk of the table: a walk per
  // closed division-year (128 x 469 rows at 1M entries, each a
  // DivisionWithin) was a third of a judgement. Each total adds the same
  // rows in the same table order as that walk did, so saturated totals
  // come out the same too.
  std::unordered_map<std::string, LotterySums> within;
  for (const auto& [k, sums] : s.lottery.rows()) {
    const std::size_t bar = k.find('|');  // "division|year"
    if (bar == std::string_view::npos) continue;
    for (std::string_view prefix : ScopePrefixes(k.substr(0, bar))) {
      LotterySums& w = within[std::string(prefix).append(k.substr(bar))];
      w.total = FenAdd(w.total, sums.total);
      w.elderly = FenAdd(w.elderly, sums.elderly);
    }
  }
  for (const std::string_view member : s.close_list.Get("")) {
    const std::string key(member);  // "division|year"
    auto bar = key.find('|');
    const std::string division = key.substr(0, bar);
    const int year = KeyYear(key);
    if (!IsDivisionCode(division)) continue;  // it holds nothing
    auto sums = within.find(DivisionPrefix(division) + key.substr(bar));
    if (sums == within.end()) continue;
    const std::int64_t total = sums->second.total;
    const std::int64_t elderly = sums->second.elderly;
    if (total <= 0) continue;
    Params p = ParamsFor(s, "R15", division, YearEnd(year));
    if (static_cast<__int128>(elderly) * 10000 >=
        static_cast<__int128>(total) * p.Int("share"))
      continue;
    const Declared* close = s.closes.Find(key);
    // Amount: the elderly spending missing to reach the share.
    const __int128 need = static_cast<__int128>(total) * p.Int("share");
    const std::int64_t shortfall = FenClamp(
        (need - static_cast<__int128>(elderly) * 10000 + 9999) / 10000);
    out.Add(MakeFinding("R15", division + "/" + std::to_string(year), division,
                        kLow, shortfall, {close ? close->seq : 0}));
  }
}

}  // namespace

extern const Rule kR15 = {"R15", OnEvent, AtAsOf, OnPayment};

}  // namespace fl::replay
