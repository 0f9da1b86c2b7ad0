// libFuzzer: PEM private keys (PKCS#8, RFC 8410) never crash the decoder,
// and a key that decodes encodes back to a PEM that decodes to it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crypto/key_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto key = fl::DecodePrivateKeyPem(text);
  if (!key.ok()) return 0;
  auto again = fl::DecodePrivateKeyPem(fl::EncodePrivateKeyPem(*key));
  if (!again.ok() || again->public_key() != key->public_key()) std::abort();
  return 0;
}
