#include "replay/string_pool.h"

#include <cstring>

namespace fl::replay {

std::string_view StringPool::Copy(std::string_view s) {
  if (s.empty()) return {};
  char* at;
  if (s.size() > kLongBytes) {
    long_.push_back(std::make_unique_for_overwrite<char[]>(s.size()));
    at = long_.back().get();
  } else {
    at = small_.At(small_.Take(s.size()));
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

std::string_view StringPool::FindInterned(std::string_view s) const {
  if (s.empty()) return {};
  auto it = interned_.find(s);
  return it == interned_.end() ? std::string_view() : *it;
}

}  // namespace fl::replay
