// GoalSheet (see bench_goals.h).
#include "api/bench/bench_goals.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "api/bench/allocator_name.h"
#include "ledger/canonical_json.h"

namespace fl::cli {

void GoalSheet::Figure(std::string key, std::string label, double value,
                       std::string unit) {
  rows_.push_back({std::move(key), std::move(label), std::move(unit), "", value,
                   std::nullopt, std::nullopt});
}

void GoalSheet::Goal(std::string key, std::string label, double value,
                     std::string unit, std::string goal,
                     std::optional<double> ratio_pct, bool met) {
  rows_.push_back({std::move(key), std::move(label), std::move(unit),
                   std::move(goal), value, ratio_pct, met});
}

void GoalSheet::Print() const {
  std::printf("against the goals (issue 10):\n");
  for (const Row& r : rows_) {
    if (!r.met) continue;
    char ratio[32] = "";
    if (r.ratio_pct)
      std::snprintf(ratio, sizeof ratio, " (%.1f%%)", *r.ratio_pct);
    std::printf("  %-44s %12.1f %-5s%-9s goal %-28s %s\n", r.label.c_str(),
                r.value, r.unit.c_str(), ratio, r.goal.c_str(),
                *r.met ? "MET" : "NOT MET");
  }
  std::fflush(stdout);
}

void GoalSheet::WriteJson(const std::string& path) const {
  Json out = Json::object();
  Json goals = Json::object();
  for (const Row& r : rows_) {
    out[r.key] = r.value;
    if (!r.met) continue;
    Json g = {{"goal", r.goal}, {"met", *r.met}};
    if (r.ratio_pct) g["ratio_pct"] = *r.ratio_pct;
    goals[r.key] = std::move(g);
  }
  out["goals"] = std::move(goals);
  out["allocator"] = AllocatorName();
  std::ofstream f(path, std::ios::trunc);
  f << out.dump(2) << '\n';
  if (!f) throw std::runtime_error("cannot write " + path);
}

}  // namespace fl::cli
