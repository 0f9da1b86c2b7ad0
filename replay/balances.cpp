#include "replay/balances.h"

#include <map>
#include <tuple>

#include "ledger/division.h"
#include "replay/money.h"
#include "replay/rules/rule.h"

namespace fl::replay {

std::int64_t Totals::balance() const {
  return FenSub(
      FenSub(FenSub(FenSub(received, issued_down), transferred_out), recovered),
      paid);
}

Json TotalsJson(const Totals& t) {
  return Json{{"appropriated", t.appropriated},
              {"received", t.received},
              {"issued_down", t.issued_down},
              {"transferred_out", t.transferred_out},
              {"recovered", t.recovered},
              {"paid", t.paid},
              {"committed", t.committed},
              {"balance", t.balance()},
              {"available", FenSub(t.balance(), t.committed)}};
}

bool BalanceLess(const BalanceRow& a, const BalanceRow& b) {
  return std::tie(a.division, a.fund, a.program, a.fiscal_year) <
         std::tie(b.division, b.fund, b.program, b.fiscal_year);
}

std::vector<BalanceRow> BalanceRows(const State& s) {
  using Key =
      std::tuple<std::string_view, std::string_view, std::string_view, int>;
  // Every figure is non-negative, so the saturating sums do not depend on
  // the order the lots are visited in (money.h).
  std::map<Key, Totals> accounts;
  for (const auto& [id, lot] : s.lots.rows()) {
    Totals& t =
        accounts[{lot.division, lot.fund, lot.program, lot.fiscal_year}];
    if (lot.budget) t.appropriated = FenAdd(t.appropriated, lot.amount);
    t.received = FenAdd(t.received, lot.received);
    t.issued_down = FenAdd(t.issued_down, lot.issued_down);
    t.transferred_out = FenAdd(t.transferred_out, lot.transferred_out);
    t.recovered = FenAdd(t.recovered, lot.recovered);
    t.paid = FenAdd(t.paid, lot.paid);
    t.committed = FenAdd(t.committed, Committed(s, lot));
  }
  std::vector<BalanceRow> out;
  out.reserve(accounts.size());
  for (const auto& [k, t] : accounts) {
    out.push_back(BalanceRow{std::string(std::get<0>(k)),
                             std::string(std::get<1>(k)),
                             std::string(std::get<2>(k)), std::get<3>(k), t});
  }
  return out;
}

Json BalanceArray(const std::vector<BalanceRow>& rows, const BalanceFilter& f) {
  Json out = Json::array();
  for (const BalanceRow& r : rows) {
    if (!f.division.empty() && !DivisionWithin(r.division, f.division))
      continue;
    if (!f.scope.empty() && !DivisionWithin(r.division, f.scope)) continue;
    if (!f.fund.empty() && r.fund != f.fund) continue;
    if (!f.program.empty() && r.program != f.program) continue;
    if (f.fiscal_year && r.fiscal_year != *f.fiscal_year) continue;
    Json row = TotalsJson(r.totals);
    row["division_code"] = r.division;
    row["fund"] = r.fund;
    row["program"] = r.program;
    row["fiscal_year"] = r.fiscal_year;
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace fl::replay
