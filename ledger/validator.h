// The stateful append checks, in API.md's order after the stateless ones:
// exact repeat, id reuse, signature (key known, registered to the agency,
// not revoked), authorization (kind and division scope), references. The
// same code serves HTTP and `import`. Internal to ledger/.
#pragma once

#include <cstdint>

#include "crypto/status.h"
#include "ledger/ledger.h"
#include "ledger/overlay.h"

namespace fl {

struct Decision {
  bool repeat = false;
  std::uint64_t first_seq = 0;  // for a repeat: the seq of the first copy
  std::string division;         // the division the event belongs to (EVENTS.md)
};

// Checks `e` as the entry that would get `seq`. When it passes and is not a
// repeat, its index rows (ids, agencies, keys, lots...) are put in `view`.
Result<Decision> CheckAndApply(const PreparedEvent& e, std::uint64_t seq,
                               Overlay& view, bool check_signatures,
                               std::string_view origin);

}  // namespace fl
