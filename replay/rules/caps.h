// The R07/R08 figures of one county and year, shared by the two rules and
// the cap report (GET /v1/reports/caps).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "replay/state.h"

namespace fl::replay {

struct CapFigures {
  std::string county;
  int year = 0;
  // R07: base is the declared assistance_pooled_total of year-1.
  std::int64_t r07_num = 0, r07_base = 0, r07_limit = 0, r07_pct = 0;
  std::uint64_t r07_base_seq = 0;  // 0: no base declared
  bool r07_over = false;
  // R08: declared hardship_subsidy_total_expenditure of the year, else
  // every hardship_subsidy payment at the county in the year.
  std::int64_t r08_num = 0, r08_base = 0, r08_limit = 0, r08_pct = 0;
  std::uint64_t r08_base_seq = 0;  // 0: base computed from payments
  bool r08_over = false;
  bool closed = false;
  std::uint64_t close_seq = 0;
  bool operator==(const CapFigures&) const = default;
};

// key is "county|year" of State::caps.
CapFigures CapFor(const State& s, std::string_view key, Day as_of);

// One row of the cap report (GET /v1/reports/caps): a county-year's key
// and its figures at an as_of. The report lists them by key, and the day
// history keeps them (day_history.h).
struct CapRow {
  std::string key;
  CapFigures figures;
  bool operator==(const CapRow&) const = default;
};
inline bool CapRowLess(const CapRow& a, const CapRow& b) {
  return a.key < b.key;
}
// Every county-year's row at as_of, sorted by key.
std::vector<CapRow> CapRows(const State& s, Day as_of);
// R07's running sums, which R08 and the cap report read too: the
// county-year totals of assistance payments and the payments counted.
void CapSumsOnPayment(State& s, const Payment& p, const Lot& lot,
                      std::int64_t sign);
// Seqs of the non-reversed payments counted by R07 (hardship=false) or R08.
std::vector<std::uint64_t> CountedPaymentSeqs(const State& s,
                                              std::string_view key,
                                              bool hardship);

}  // namespace fl::replay
