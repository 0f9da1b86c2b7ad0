// SHA-256 (FIPS 180-4) over Crypto++, which uses the SHA extensions when
// the CPU has them.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

namespace fl {

using Hash = std::array<std::uint8_t, 32>;

Hash Sha256(std::string_view data);

// Incremental form, so callers can hash a prefix byte and a payload
// without copying them together.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(Sha256Hasher&&) noexcept;
  Sha256Hasher& operator=(Sha256Hasher&&) noexcept;

  void Update(std::string_view data);
  Hash Final();  // also resets the hasher for reuse

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

inline std::string_view AsBytes(const Hash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

}  // namespace fl
