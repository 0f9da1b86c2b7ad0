// R09 split procurement 化整为零: per year (of period.start), buyer, program
// and item category, the items of non-open contracts sum above threshold.
#include <algorithm>
#include <map>

#include "replay/money.h"
#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

// The item sums of non-open contracts per buyer, year of period.start,
// program and category.
void OnContract(State& s, const Contract& c) {
  if (c.method == "open") return;
  const std::string year = std::to_string(YearOf(c.start));
  std::map<std::string, std::int64_t> by_cat;
  for (const auto& it : c.items) {
    std::int64_t& sum = by_cat[it.category];
    sum = FenAdd(sum, it.amount);
  }
  for (const auto& [cat, amt] : by_cat) {
    std::string key = JoinKey({c.division, year, c.program, cat});
    std::int64_t& split = s.splits.Upsert(key).amount;
    split = FenAdd(split, amt);
    s.split_contracts.Add(key, c.id);
  }
}

void AtAsOf(const State& s, Day as_of, Findings& out) {
  for (const auto& [key, sum] : s.splits.rows()) {
    // key: buyer|year|program|category
    auto b1 = key.find('|');
    const std::string_view buyer = key.substr(0, b1);
    const int year = KeyYear(key);
    Params p = ParamsFor(s, "R09", buyer, std::min(as_of, YearEnd(year)));
    if (sum.amount <= p.Int("threshold")) continue;
    std::vector<std::uint64_t> ev;
    for (const auto& id : s.split_contracts.Get(key))
      if (const Contract* c = s.contracts.Find(id)) ev.push_back(c->signed_seq);
    if (p.policy_seq()) ev.push_back(p.policy_seq());
    std::string subject(key);
    std::replace(subject.begin(), subject.end(), '|', '/');
    out.Add(
        MakeFinding("R09", subject, buyer, kHigh, sum.amount, std::move(ev)));
  }
}

}  // namespace

extern const Rule kR09 = {"R09", nullptr, AtAsOf, nullptr, OnContract};

}  // namespace fl::replay
