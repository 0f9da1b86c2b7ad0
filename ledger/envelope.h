// Making a signed envelope (LEDGER.md 2): what `sign`, `init`, the demo
// fixtures and the tests all need.
#pragma once

#include "crypto/ed25519.h"
#include "ledger/canonical_json.h"

namespace fl {

// {"event": event, "signature": {"alg","key_id","sig"}} over
// "fundledger.event.v1\n" || JCS(event).
Json SignEnvelope(const Json& event, const PrivateKey& key);

}  // namespace fl
