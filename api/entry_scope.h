// Which division a stored entry belongs to, for read scope (API.md: a
// token's scope limits what it sees). The rule is in docs/spec-notes.md
// ("HTTP"): data.division_code, policy.set's scope, allocation.issued's
// from_code, an agency.* event's agency, program.defined national, else the
// submitting agency's division.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "ledger/ledger.h"

namespace fl {

class EntryScope {
 public:
  explicit EntryScope(const Ledger& ledger) : ledger_(ledger) {}

  // `entry` is a stored entry (parsed). Unknown agencies count as national
  // ("000000"), so only a national token sees such an entry.
  std::string DivisionOf(const Json& entry);

 private:
  std::string AgencyDivision(const std::string& agency);  // with mu_ held
  void CatchUp();                                         // with mu_ held

  const Ledger& ledger_;
  std::mutex mu_;
  std::uint64_t scanned_ = 0;  // entries [0, scanned_) are in divisions_
  std::unordered_map<std::string, std::string> divisions_;  // agency ->
};

}  // namespace fl
