#include "replay/policy.h"

#include <algorithm>
#include <array>

#include "crypto/check.h"
#include "ledger/division.h"

namespace fl::replay {
namespace {

Json MakeDefaults() {
  const Json forbidden = {
      "staff_salary",         "overseas_travel",         "official_reception",
      "official_vehicle",     "admin_basic_expenditure", "irregular_allowance",
      "building_construction"};
  return Json{
      {"R02",
       {{"N", 30}, {"N_county", 60}, {"tolerance", 0}, {"critical_after", 90}}},
      {"R03", {{"T", 365}, {"min", 0}, {"high_after", 730}}},
      {"R04", {{"forbidden", forbidden}}},
      {"R05", {{"high_pct", 1000}}},
      {"R06",
       {{"forbidden",
         {"admin.licensing", "admin.confirmation", "admin.approval",
          "admin.benefit_payment", "admin.confidential", "admin.enforcement",
          "labour_dispatch"}}}},
      {"R07", {{"pct", 100}}},
      {"R08", {{"pct", 500}}},
      {"R09", {{"threshold", 200000000}}},
      {"R11", {{"tolerance", 0}}},
      {"R13", {{"window", 7}}},
      {"R14", {{"min", 0}}},
      {"R15",
       {{"purposes",
         {"elderly", "disabled", "children", "hardship",
          "public_welfare_other"}},
        {"forbidden", forbidden},
        {"share", 5500}}},
      {"R16", {{"min", 2000000}}},
  };
}

// The defaults of rule "R01".."R18" by number, found once: ParamsFor runs
// several times per payment, and a map lookup by name each time was ~1.4%
// of a replay's instructions (callgrind, docs/PERFORMANCE.md).
constexpr std::size_t kRuleNumbers = 19;  // R01..R18; 0 for any other name

std::size_t RuleNumber(std::string_view rule) {
  if (rule.size() != 3 || rule[0] != 'R' || rule[1] < '0' || rule[1] > '9' ||
      rule[2] < '0' || rule[2] > '9') {
    return 0;
  }
  const std::size_t n =
      static_cast<std::size_t>((rule[1] - '0') * 10 + (rule[2] - '0'));
  return n < kRuleNumbers ? n : 0;
}

const Json* DefaultsFor(std::string_view rule) {
  static const std::array<const Json*, kRuleNumbers> kByNumber = [] {
    std::array<const Json*, kRuleNumbers> by{};
    const Json& all = DefaultParams();
    for (auto it = all.begin(); it != all.end(); ++it) {
      const std::size_t n = RuleNumber(it.key());
      FL_CHECK(n != 0,
               "default params under a name that is no rule: ", it.key());
      by[n] = &*it;
    }
    return by;
  }();
  // Every default is under a rule's name (checked above), so any other
  // name has none.
  return kByNumber[RuleNumber(rule)];
}

}  // namespace

const Json& DefaultParams() {
  static const Json kDefaults = MakeDefaults();
  return kDefaults;
}

const Json& Params::Get(std::string_view name) const {
  static const Json kNull;
  if (policy_ && policy_->is_object()) {
    auto it = policy_->find(name);
    if (it != policy_->end()) return *it;
  }
  if (defaults_) {
    auto it = defaults_->find(name);
    if (it != defaults_->end()) return *it;
  }
  return kNull;
}

// A policy that sets a list key to something else keeps the default list,
// so a typo cannot switch a check off.
const Json& Params::ListOrDefault(std::string_view name) const {
  const Json& v = Get(name);
  if (v.is_array() || !defaults_) return v;
  auto it = defaults_->find(name);
  static const Json kEmpty = Json::array();
  return it != defaults_->end() ? *it : kEmpty;
}

std::int64_t Params::Int(std::string_view name) const {
  const Json& v = Get(name);
  if (v.is_number_integer()) return v.get<std::int64_t>();
  // A policy that sets a non-integer falls back to the default.
  if (defaults_) {
    auto it = defaults_->find(name);
    if (it != defaults_->end() && it->is_number_integer())
      return it->get<std::int64_t>();
  }
  return 0;
}

std::vector<std::string> Params::List(std::string_view name) const {
  std::vector<std::string> out;
  const Json& v = ListOrDefault(name);
  if (!v.is_array()) return out;
  for (const auto& w : v)
    if (w.is_string()) out.push_back(w.get<std::string>());
  return out;
}

bool Params::Contains(std::string_view list_name, std::string_view word) const {
  const Json& v = ListOrDefault(list_name);
  if (!v.is_array()) return false;
  for (const auto& w : v)
    if (w.is_string() && w.get_ref<const std::string&>() == word) return true;
  return false;
}

Params ParamsFor(const State& s, std::string_view rule,
                 std::string_view division, Day date) {
  const Json* defaults = DefaultsFor(rule);
  const PolicySet* best = nullptr;
  std::size_t best_len = 0;
  for (const auto& id : s.policy_rules.Get(std::string(rule))) {
    const PolicySet* p = s.policies.Find(id);
    if (!p || p->effective_from > date) continue;
    if (!DivisionWithin(division, p->scope)) continue;
    std::size_t len = DivisionPrefix(p->scope).size();
    if (!best || len > best_len ||
        (len == best_len &&
         (p->effective_from > best->effective_from ||
          (p->effective_from == best->effective_from && p->seq > best->seq)))) {
      best = p;
      best_len = len;
    }
  }
  return Params(defaults, best ? &best->params : nullptr, best ? best->seq : 0);
}

namespace {

// fold(the default of Int(name), each policy.set of `rule`'s value).
template <class Fold>
std::int64_t FoldIntParam(const State& s, std::string_view rule,
                          std::string_view name, Fold fold) {
  std::int64_t out = Params(DefaultsFor(rule), nullptr, 0).Int(name);
  for (const auto& id : s.policy_rules.Get(std::string(rule))) {
    if (const PolicySet* p = s.policies.Find(id))
      out = fold(out, Params(DefaultsFor(rule), &p->params, 0).Int(name));
  }
  return out;
}

}  // namespace

std::int64_t HighestIntParam(const State& s, std::string_view rule,
                             std::string_view name) {
  return FoldIntParam(s, rule, name, [](std::int64_t a, std::int64_t b) {
    return std::max(a, b);
  });
}

std::int64_t LowestIntParam(const State& s, std::string_view rule,
                            std::string_view name) {
  return FoldIntParam(s, rule, name, [](std::int64_t a, std::int64_t b) {
    return std::min(a, b);
  });
}

}  // namespace fl::replay
