#include "ledger/overlay.h"

namespace fl {

bool IsCachedRow(std::string_view key) {
  return key.starts_with("a/") || key.starts_with("k/");
}

Result<std::optional<std::string>> Overlay::Get(Store::Family f,
                                                const std::string& key) const {
  for (const Overlay* o = this; o != nullptr; o = o->parent_) {
    auto it = o->rows_.find({f, key});
    if (it != o->rows_.end()) return std::optional<std::string>(it->second);
  }
  const Overlay* root = this;
  while (root->parent_ != nullptr) root = root->parent_;
  const bool cacheable =
      root->cache_ != nullptr && f == Store::kIndex && IsCachedRow(key);
  if (cacheable) {
    auto it = root->cache_->find(key);
    if (it != root->cache_->end())
      return std::optional<std::string>(it->second);
  }
  bool found = false;
  auto v = store_.Get(f, key, &found);
  if (!v.ok()) return v.error();
  if (!found) return std::optional<std::string>();
  if (cacheable) (*root->cache_)[key] = *v;
  return std::optional<std::string>(std::move(*v));
}

}  // namespace fl
