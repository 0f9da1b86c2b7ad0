// Ed25519 (RFC 8032, pure) with strict verification: S >= L, non-canonical
// point encodings and small-order public keys or R are refused, so every
// invalid Wycheproof case fails.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/sha256.h"
#include "crypto/status.h"

namespace fl {

using PublicKey = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, 64>;

class PrivateKey {
 public:
  static PrivateKey Generate();  // from the OS random source
  static PrivateKey FromSeed(const std::array<std::uint8_t, 32>& seed);

  const std::array<std::uint8_t, 32>& seed() const { return seed_; }
  const PublicKey& public_key() const { return public_key_; }
  Signature Sign(std::string_view message) const;

 private:
  std::array<std::uint8_t, 32> seed_{};
  PublicKey public_key_{};
};

// `signature` may have any length; anything but 64 bytes is invalid.
bool Ed25519Verify(const PublicKey& key, std::string_view message,
                   std::string_view signature);

// True when the 32 bytes are a canonical encoding of a point of large order.
bool IsAcceptablePublicKey(const PublicKey& key);

// First 16 lowercase hex chars of SHA-256(raw public key) (LEDGER.md 2).
std::string KeyId(const PublicKey& key);

// PublicKey and Hash are the same type: AsBytes comes from sha256.h.
inline std::string_view AsBytes(const Signature& s) {
  return {reinterpret_cast<const char*>(s.data()), s.size()};
}

}  // namespace fl
