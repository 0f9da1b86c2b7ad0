// Ed25519 private keys as PKCS#8 PEM (RFC 8410), the format of
// `openssl genpkey -algorithm ed25519`.
#pragma once

#include <string>
#include <string_view>

#include "crypto/ed25519.h"
#include "crypto/status.h"

namespace fl {

std::string EncodePrivateKeyPem(const PrivateKey& key);
Result<PrivateKey> DecodePrivateKeyPem(std::string_view pem);

// Writes with mode 0600, refusing to overwrite an existing file.
Status WritePrivateKeyFile(const std::string& path, const PrivateKey& key);
Result<PrivateKey> ReadPrivateKeyFile(const std::string& path);

}  // namespace fl
