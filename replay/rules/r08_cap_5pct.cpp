// R08 5% cap (Yunnan): per county and year, purchased-service payments
// from assistance.hardship_subsidy (program not ASSIST.BENEFIT) above pct
// of that fund's expenditure at the county in the year (or a declared
// base). Provisional (info) until fiscal_year.closed covers the county.
#include "replay/money.h"
#include "replay/rules/caps.h"
#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

void AtAsOf(const State& s, Day as_of, Findings& out) {
  for (const auto& [key, sums] : s.caps.rows()) {
    CapFigures f = CapFor(s, key, as_of);
    if (!f.r08_over) continue;
    std::vector<std::uint64_t> ev = CountedPaymentSeqs(s, key, true);
    if (f.r08_base_seq) ev.push_back(f.r08_base_seq);
    if (f.close_seq) ev.push_back(f.close_seq);
    Finding fd = MakeFinding("R08", f.county + "/" + std::to_string(f.year),
                             f.county, f.closed ? kMedium : kInfo,
                             FenSub(f.r08_num, f.r08_limit), std::move(ev));
    fd.provisional = !f.closed;
    out.Add(std::move(fd));
  }
}

}  // namespace

extern const Rule kR08 = {"R08", nullptr, AtAsOf};

}  // namespace fl::replay
