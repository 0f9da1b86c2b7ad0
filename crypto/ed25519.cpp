#include "crypto/ed25519.h"

#include <cryptopp/donna.h>
#include <cryptopp/integer.h>
#include <cryptopp/nbtheory.h>
#include <cryptopp/osrng.h>

#include <cstring>

#include "crypto/encoding.h"

namespace fl {
namespace {

using CryptoPP::byte;

// Group order L = 2^252 + 27742317777372353535851937790883648493,
// little-endian.
constexpr std::array<byte, 32> kOrderL = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
    0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};

// The y coordinates (sign bit cleared) of every point of order 1, 2, 4
// or 8, as in libsodium's blocklist: 0, 1, the two order-8 values, p-1,
// and the non-canonical p and p+1 (the canonical check already refuses
// those; listing them keeps this check complete on its own).
constexpr byte kSmallOrderY[][32] = {
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
    {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4,
     0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6,
     0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b,
     0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39,
     0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    {0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    {0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
};

// S < L, comparing little-endian numbers from the top byte down.
bool ScalarIsCanonical(const byte* s) {
  for (int i = 31; i >= 0; --i) {
    if (s[i] != kOrderL[i]) return s[i] < kOrderL[i];
  }
  return false;  // S == L
}

// y < p = 2^255 - 19 (sign bit ignored): p's encoding is ed ff .. ff 7f,
// so y >= p exactly when bytes 1..31 are all ones and byte 0 >= 0xed.
bool PointIsCanonical(const byte* e) {
  if ((e[31] & 0x7f) != 0x7f) return true;
  for (int i = 30; i >= 1; --i) {
    if (e[i] != 0xff) return true;
  }
  return e[0] < 0xed;
}

// Comparing with the sign bit cleared also catches "negative zero" x,
// which only the small-order points y = 1 and y = -1 could carry.
bool PointHasSmallOrder(const byte* e) {
  for (const auto& y : kSmallOrderY) {
    byte diff = (e[31] & 0x7f) ^ y[31];
    for (int i = 0; i < 31; ++i) diff |= e[i] ^ y[i];
    if (diff == 0) return true;
  }
  return false;
}

// Canonical and not of small order: cheap byte checks, no decoding.
bool EncodingIsAcceptable(const byte* e) {
  return PointIsCanonical(e) && !PointHasSmallOrder(e);
}

// Whether y (sign bit cleared, canonical) is the y of a curve point:
// x^2 = (y^2 - 1) / (d y^2 + 1) must have a root. The denominator is never
// 0 (-1/d is not a square), so that is Jacobi((y^2-1)(d y^2+1), p) != -1.
bool DecodesToCurvePoint(const byte* e) {
  using CryptoPP::Integer;
  static const Integer kP = Integer::Power2(255) - Integer(19);
  static const Integer kD =
      (kP - Integer(121665)) * Integer(121666).InverseMod(kP) % kP;
  byte be[32];
  for (int i = 0; i < 32; ++i) be[i] = e[31 - i];
  be[0] &= 0x7f;
  Integer y(be, sizeof be);
  Integer y2 = y.Squared() % kP;
  Integer u = (y2 + kP - Integer::One()) % kP;
  Integer v = (kD * y2 + Integer::One()) % kP;
  return CryptoPP::Jacobi(u * v % kP, kP) != -1;
}

// Donna reads `length` bytes from the pointer; an empty view may hold
// nullptr, so hand it a real address.
const byte* MessageBytes(std::string_view message) {
  static const byte kEmpty = 0;
  return message.empty() ? &kEmpty
                         : reinterpret_cast<const byte*>(message.data());
}

}  // namespace

PrivateKey PrivateKey::Generate() {
  std::array<std::uint8_t, 32> seed;
  CryptoPP::AutoSeededRandomPool rng;
  rng.GenerateBlock(seed.data(), seed.size());
  PrivateKey key = FromSeed(seed);
  CryptoPP::SecureWipeBuffer(seed.data(), seed.size());
  return key;
}

PrivateKey PrivateKey::FromSeed(const std::array<std::uint8_t, 32>& seed) {
  PrivateKey key;
  key.seed_ = seed;
  CryptoPP::Donna::ed25519_publickey(key.public_key_.data(), seed.data());
  return key;
}

Signature PrivateKey::Sign(std::string_view message) const {
  Signature sig;
  CryptoPP::Donna::ed25519_sign(MessageBytes(message), message.size(),
                                seed_.data(), public_key_.data(), sig.data());
  return sig;
}

bool Ed25519Verify(const PublicKey& key, std::string_view message,
                   std::string_view signature) {
  if (signature.size() != 64) return false;
  const auto* sig = reinterpret_cast<const byte*>(signature.data());
  // Donna only checks that S < 2^253 and compares R by re-encoding; the
  // rest of RFC 8032's strict rules (and libsodium's small-order rules)
  // are checked here, before the expensive part.
  if (!ScalarIsCanonical(sig + 32)) return false;
  if (!EncodingIsAcceptable(sig)) return false;
  // Donna's decompression refuses points off the curve, so the cheap
  // encoding checks are enough for A on this hot path.
  if (!EncodingIsAcceptable(key.data())) return false;
  return CryptoPP::Donna::ed25519_sign_open(
             MessageBytes(message), message.size(), key.data(), sig) == 0;
}

bool IsAcceptablePublicKey(const PublicKey& key) {
  // Small-order keys make "valid" signatures for any message possible.
  return EncodingIsAcceptable(key.data()) && DecodesToCurvePoint(key.data());
}

std::string KeyId(const PublicKey& key) {
  Hash h = Sha256(AsBytes(key));
  return HexEncode(
      std::string_view(reinterpret_cast<const char*>(h.data()), 8));
}

}  // namespace fl
