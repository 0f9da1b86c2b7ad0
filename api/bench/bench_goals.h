// The figures of issue 10 with their goals: each bench command collects
// what it measured here, prints one verdict line per goal at the end and,
// with --json FILE, writes the same figures as one JSON object whose keys
// stay stable from run to run (docs/PERFORMANCE.md), so runs can be diffed.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace fl::cli {

class GoalSheet {
 public:
  // A measured figure with no goal of its own (a machine limit, a size).
  void Figure(std::string key, std::string label, double value,
              std::string unit);
  // A figure against its goal. `ratio_pct` is what the goal is stated in
  // when it is a share of a machine limit; `met` is the verdict.
  void Goal(std::string key, std::string label, double value, std::string unit,
            std::string goal, std::optional<double> ratio_pct, bool met);

  // "against the goals (issue 10)" and one line per goal.
  void Print() const;
  // {"<key>": value, ..., "goals": {"<key>": {"goal", "ratio_pct", "met"}}};
  // throws when the file cannot be written.
  void WriteJson(const std::string& path) const;

 private:
  struct Row {
    std::string key, label, unit, goal;
    double value = 0;
    std::optional<double> ratio_pct;
    std::optional<bool> met;  // nullopt: a figure without a goal
  };
  std::vector<Row> rows_;
};

}  // namespace fl::cli
