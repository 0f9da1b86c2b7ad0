// Making a signed envelope (LEDGER.md 2): what `sign`, `init`, the demo
// fixtures and the tests all need.
#pragma once

#include "crypto/ed25519.h"
#include "ledger/canonical_json.h"

namespace fl {

// {"event": event, "signature": {"alg","key_id","sig"}} over
// "fundledger.event.v2\n" || origin || "\n" || JCS(event), for the ledger
// whose origin is `origin` ("fundledger/<name>", LEDGER.md 5).
Json SignEnvelope(const Json& event, const PrivateKey& key,
                  std::string_view origin);

}  // namespace fl
