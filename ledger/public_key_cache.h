// Public keys by key_id for Prepare, which checks each signature on many
// threads before the event is sequenced. Internal.
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <cstddef>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "crypto/ed25519.h"

namespace fl {

// Prepare read the key row from RocksDB for every event, then decoded it
// and its base64 key: ~1.1 us of each event's Prepare in `import` (perf,
// issue 10). A key_id is the hash of its key (LEDGER.md 2) and a key is
// registered once, so what a key_id names never changes; only whether
// the key is still valid does, and the leader re-reads that when it
// sequences the event (validator.cpp, Check::Signature), checking that
// the key Prepare used is the registered one. So a kept key can make
// Prepare's answer early, never wrong. Holds at most `max_keys`; past
// that it forgets them all and starts over. Thread-safe.
class PublicKeyCache {
 public:
  explicit PublicKeyCache(std::size_t max_keys) : max_keys_(max_keys) {}

  std::optional<PublicKey> Find(std::string_view key_id) const {
    std::shared_lock lock(mu_);
    auto it = keys_.find(key_id);
    if (it == keys_.end()) return std::nullopt;
    return it->second;
  }
  // A key the store holds under `key_id`.
  void Keep(std::string_view key_id, const PublicKey& key) {
    std::unique_lock lock(mu_);
    if (keys_.size() >= max_keys_) keys_.clear();
    keys_.emplace(std::string(key_id), key);
  }
  std::size_t size() const {
    std::shared_lock lock(mu_);
    return keys_.size();
  }

 private:
  // Looks up string_view keys without building a string.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const {
      return std::hash<std::string_view>{}(s);
    }
  };
  struct Eq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const {
      return a == b;
    }
  };

  const std::size_t max_keys_;
  mutable std::shared_mutex mu_;
  boost::unordered_flat_map<std::string, PublicKey, Hash, Eq> keys_;
};

}  // namespace fl
