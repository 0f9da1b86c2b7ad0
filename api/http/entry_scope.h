// Which division a stored entry belongs to, for read scope (API.md: a
// token's scope limits what it sees). The ledger records it at append time
// with the same rule its write-scope check uses (EVENTS.md "Which division
// an event belongs to"), so reads and writes agree.
#pragma once

#include <string>

#include "ledger/ledger.h"

namespace fl {

class EntryScope {
 public:
  explicit EntryScope(const Ledger& ledger) : ledger_(ledger) {}

  // `entry` is a stored entry (parsed). If the division cannot be read the
  // entry counts as national ("000000"): only a national token sees it.
  std::string DivisionOf(const Json& entry) const;

 private:
  const Ledger& ledger_;
};

}  // namespace fl
