// Account balances (API.md GET /v1/balances): the lots' figures summed per
// account, i.e. per (division, fund, program, fiscal year). The rows of
// every account are what the day history keeps (day_history.h); a read
// filters them, which gives what filtering the lots first would, since
// every filter is on the account's own key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "replay/state.h"

namespace fl::replay {

// One lot's or one account's figures, in fen.
struct Totals {
  std::int64_t appropriated = 0, received = 0, issued_down = 0,
               transferred_out = 0, recovered = 0, paid = 0, committed = 0;
  std::int64_t balance() const;
  bool operator==(const Totals&) const = default;
};
// The figures as API.md names them, with balance and available.
Json TotalsJson(const Totals& t);

struct BalanceRow {
  std::string division, fund, program;
  int fiscal_year = 0;
  Totals totals;
  bool operator==(const BalanceRow&) const = default;
};
// The rows' order: by division, fund, program, then year.
bool BalanceLess(const BalanceRow& a, const BalanceRow& b);

// Every account with a lot in `s`, sorted by BalanceLess.
std::vector<BalanceRow> BalanceRows(const State& s);

struct BalanceFilter {
  std::string division, fund, program;
  std::optional<int> fiscal_year;
  std::string scope;  // a token's division ("" = all)
};
// The rows `filter` keeps, as the array of {"balances": [...]}.
Json BalanceArray(const std::vector<BalanceRow>& rows,
                  const BalanceFilter& filter);

}  // namespace fl::replay
