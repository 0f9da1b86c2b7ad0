#include "ledger/envelope.h"

#include "crypto/encoding.h"
#include "ledger/entry.h"

namespace fl {

Json SignEnvelope(const Json& event, const PrivateKey& key,
                  std::string_view origin) {
  Signature sig = key.Sign(SignedMessage(origin, Canonicalize(event)));
  return Json{{"event", event},
              {"signature",
               {{"alg", "Ed25519"},
                {"key_id", KeyId(key.public_key())},
                {"sig", Base64Encode(AsBytes(sig))}}}};
}

}  // namespace fl
