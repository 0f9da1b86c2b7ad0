// Rule parameters: RULES.md defaults overlaid by the `policy.set` in force
// for a division on a date. The most specific scope wins, then the latest
// effective_from, then the latest seq; keys it does not name keep their
// defaults.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "replay/state.h"

namespace fl::replay {

class Params {
 public:
  Params(const Json* defaults, const Json* policy, std::uint64_t policy_seq)
      : defaults_(defaults), policy_(policy), policy_seq_(policy_seq) {}
  std::int64_t Int(std::string_view name) const;
  std::vector<std::string> List(std::string_view name) const;
  bool Contains(std::string_view list_name, std::string_view word) const;
  // The policy.set entry that set these, 0 when only defaults apply.
  std::uint64_t policy_seq() const { return policy_seq_; }

 private:
  const Json& Get(std::string_view name) const;
  const Json& ListOrDefault(std::string_view name) const;
  const Json* defaults_;
  const Json* policy_;
  std::uint64_t policy_seq_;
};

Params ParamsFor(const State& s, std::string_view rule,
                 std::string_view division, Day date);
// The largest value Int(name) of `rule` can take for any division and date
// (its default, or a policy.set of it): a rule that walks many subjects can
// pass over those that clear this bound without looking up their own.
std::int64_t HighestIntParam(const State& s, std::string_view rule,
                             std::string_view name);
// The smallest such value: a subject whose figure does not pass it passes
// no tolerance in force anywhere.
std::int64_t LowestIntParam(const State& s, std::string_view rule,
                            std::string_view name);
// The defaults of every rule, for docs and `policy.set` checks.
const Json& DefaultParams();

}  // namespace fl::replay
