// R14 no supervision reserve 未预留督导评估经费: a buyer's SWS.OPS contracts of
// a year with no supervision/evaluation/training item and no separate
// SWS.SUPERVISION/EVALUATION/TRAINING contract that year (or a reserve
// below min bp of the SWS.OPS total).
#include <algorithm>

#include "replay/money.h"
#include "replay/programs.h"
#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

// Per buyer and year of period.start: the SWS.OPS total, its reserve
// items, and the separate supervision/evaluation/training contracts.
void OnContract(State& s, const Contract& c) {
  const bool ops = c.program == programs::kSwsOps;
  const bool reserve_program = c.program == programs::kSwsSupervision ||
                               c.program == programs::kSwsEvaluation ||
                               c.program == programs::kSwsTraining;
  if (!ops && !reserve_program) return;
  std::string key = JoinKey({c.division, std::to_string(YearOf(c.start))});
  ReserveSums& r = s.reserves.Upsert(key);
  if (ops) {
    r.ops_total = FenAdd(r.ops_total, c.value);
    ++r.ops_contracts;
    for (const auto& it : c.items) {
      if (it.category == "supervision" || it.category == "evaluation" ||
          it.category == "training")
        r.reserve = FenAdd(r.reserve, it.amount);
    }
  } else {
    r.reserve = FenAdd(r.reserve, c.value);
  }
  s.reserve_contracts.Add(key, c.id);
}

void AtAsOf(const State& s, Day as_of, Findings& out) {
  for (const auto& [key, r] : s.reserves.rows()) {
    if (r.ops_contracts == 0) continue;
    auto bar = key.find('|');
    const std::string_view buyer = key.substr(0, bar);
    const int year = KeyYear(key);
    Params p = ParamsFor(s, "R14", buyer, std::min(as_of, YearEnd(year)));
    const bool short_of_min = static_cast<__int128>(r.reserve) * 10000 <
                              static_cast<__int128>(r.ops_total) * p.Int("min");
    if (r.reserve > 0 && !short_of_min) continue;
    std::vector<std::uint64_t> ev;
    for (const auto& id : s.reserve_contracts.Get(key))
      if (const Contract* c = s.contracts.Find(id)) ev.push_back(c->signed_seq);
    out.Add(MakeFinding("R14", std::string(buyer) + "/" + std::to_string(year),
                        buyer, kMedium, r.ops_total, std::move(ev)));
  }
}

}  // namespace

extern const Rule kR14 = {"R14", nullptr, AtAsOf, nullptr, OnContract};

}  // namespace fl::replay
