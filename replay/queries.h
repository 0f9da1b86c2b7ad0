// Read models of API.md over one State: balances, a lot, a contract, the
// cap report, and flag pages. `scope` is a token's division ("" = all).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crypto/status.h"
#include "replay/balances.h"
#include "replay/flags.h"
#include "replay/rules/caps.h"
#include "replay/state.h"

namespace fl::replay {

// {"balances": [...]} sorted by division, fund, program, year.
Json Balances(const State& s, const BalanceFilter& filter);

// A lot or contract with its figures and the seqs that moved it; not_found when
// unknown. `division` receives its division for the caller's scope check.
Result<Json> LotView(const State& s, const std::string& id, Day as_of,
                     std::string* division);
Result<Json> ContractView(const State& s, const std::string& id,
                          std::string* division);

struct CapFilter {
  std::string division;
  std::optional<int> fiscal_year;
  std::string scope;
};
Json CapReport(const State& s, const CapFilter& filter, Day as_of);
// The same report from rows taken at as_of (CapRows, rules/caps.h).
Json CapReport(const std::vector<CapRow>& rows, const CapFilter& filter,
               Day as_of);

struct FlagFilter {
  std::string rule, severity, division, status, cursor, scope;
  std::size_t limit = 100;
};
// {"flags": [...], "next_cursor": flag_id or null}; flags after `cursor`.
Json FlagPage(const std::vector<Flag>& flags, const FlagFilter& filter,
              Day as_of);

// Lists of lots and contracts (the console's pickers, docs/spec-notes.md):
// rows sorted by id, those after `cursor`, at most `limit`, and
// "next_cursor" (the last id of the page, or null when nothing follows).
// A lot's fiscal_year is its own; a contract's the year its period starts.
// `fund` filters lots only (a contract may draw on several funds).
struct ListFilter {
  std::string division, fund, program, cursor, scope;
  std::optional<int> fiscal_year;
  std::size_t limit = 100;
};
// {"as_of", "lots": [...], "next_cursor"}
Json LotPage(const State& s, const ListFilter& filter, Day as_of);
// {"as_of", "contracts": [...], "next_cursor"}
Json ContractPage(const State& s, const ListFilter& filter, Day as_of);

}  // namespace fl::replay
