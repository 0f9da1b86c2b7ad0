#include "replay/string_pool.h"

#include <cstring>

namespace fl::replay {

std::string_view StringPool::Copy(std::string_view s) {
  if (s.empty()) return {};
  char* at;
  if (s.size() > kBlockBytes / 4) {
    // A long string gets a block of its own, so the current block's free
    // bytes are not thrown away.
    auto big = std::make_unique_for_overwrite<char[]>(s.size());
    at = big.get();
    blocks_.insert(blocks_.end() - (blocks_.empty() ? 0 : 1), std::move(big));
  } else {
    if (kBlockBytes - used_ < s.size()) {
      // Left uninitialised: every byte viewed was written first.
      blocks_.push_back(std::make_unique_for_overwrite<char[]>(kBlockBytes));
      used_ = 0;
    }
    at = blocks_.back().get() + used_;
    used_ += s.size();
  }
  std::memcpy(at, s.data(), s.size());
  return {at, s.size()};
}

std::string_view StringPool::Intern(std::string_view s) {
  if (s.empty()) return {};
  auto it = interned_.find(s);
  if (it != interned_.end()) return *it;
  const std::string_view stored = Copy(s);
  interned_.insert(stored);
  return stored;
}

}  // namespace fl::replay
