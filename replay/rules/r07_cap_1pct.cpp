// R07 1% cap (Suzhou): per county and year Y, purchased-service payments
// from assistance.* lots (program not ASSIST.BENEFIT) above pct of the
// declared assistance_pooled_total of Y-1. No declared base: not judged.
#include <algorithm>

#include "replay/money.h"
#include "replay/rules/caps.h"
#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

void AtAsOf(const State& s, Day as_of, Findings& out) {
  for (const auto& [key, sums] : s.caps.rows()) {
    CapFigures f = CapFor(s, key, as_of);
    if (!f.r07_base_seq || !f.r07_over) continue;
    std::vector<std::uint64_t> ev = CountedPaymentSeqs(s, key, false);
    ev.push_back(f.r07_base_seq);
    out.Add(MakeFinding("R07", f.county + "/" + std::to_string(f.year),
                        f.county, kMedium, FenSub(f.r07_num, f.r07_limit),
                        std::move(ev)));
  }
}

}  // namespace

// R07's row feeds the county-year cap sums (caps.cpp) that R08 reads too.
extern const Rule kR07 = {"R07", nullptr, AtAsOf, CapSumsOnPayment};

}  // namespace fl::replay
