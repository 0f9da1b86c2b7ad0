#include "crypto/sha256.h"

#include <cryptopp/sha.h>

namespace fl {
namespace {

const CryptoPP::byte* Bytes(std::string_view data) {
  return reinterpret_cast<const CryptoPP::byte*>(data.data());
}

}  // namespace

Hash Sha256(std::string_view data) {
  Hash out;
  CryptoPP::SHA256().CalculateDigest(out.data(), Bytes(data), data.size());
  return out;
}

struct Sha256Hasher::Impl {
  CryptoPP::SHA256 sha;
};

Sha256Hasher::Sha256Hasher() : impl_(std::make_unique<Impl>()) {}
Sha256Hasher::~Sha256Hasher() = default;
Sha256Hasher::Sha256Hasher(Sha256Hasher&&) noexcept = default;
Sha256Hasher& Sha256Hasher::operator=(Sha256Hasher&&) noexcept = default;

void Sha256Hasher::Update(std::string_view data) {
  // A moved-from hasher starts over instead of crashing.
  if (!impl_) impl_ = std::make_unique<Impl>();
  impl_->sha.Update(Bytes(data), data.size());
}

Hash Sha256Hasher::Final() {
  if (!impl_) impl_ = std::make_unique<Impl>();
  Hash out;
  impl_->sha.Final(out.data());  // Crypto++ restarts the hash here
  return out;
}

}  // namespace fl
