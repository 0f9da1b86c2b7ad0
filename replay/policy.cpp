#include "replay/policy.h"

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

}  // namespace

const Json& DefaultParams() {
  static const Json kDefaults = MakeDefaults();
  return kDefaults;
}

const Json& Params::Get(std::string_view name) const {
  static const Json kNull;
  std::string key(name);
  if (policy_ && policy_->is_object()) {
    auto it = policy_->find(key);
    if (it != policy_->end()) return *it;
  }
  if (defaults_) {
    auto it = defaults_->find(key);
    if (it != defaults_->end()) return *it;
  }
  return kNull;
}

// A policy that sets a list key to something else keeps the default list,
// so a typo cannot switch a check off.
const Json& Params::ListOrDefault(std::string_view name) const {
  const Json& v = Get(name);
  if (v.is_array() || !defaults_) return v;
  auto it = defaults_->find(std::string(name));
  static const Json kEmpty = Json::array();
  return it != defaults_->end() ? *it : kEmpty;
}

std::int64_t Params::Int(std::string_view name) const {
  const Json& v = Get(name);
  if (v.is_number_integer()) return v.get<std::int64_t>();
  // A policy that sets a non-integer falls back to the default.
  if (defaults_) {
    auto it = defaults_->find(std::string(name));
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
  const Json& all = DefaultParams();
  auto d = all.find(std::string(rule));
  const Json* defaults = d == all.end() ? nullptr : &*d;
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

}  // namespace fl::replay
