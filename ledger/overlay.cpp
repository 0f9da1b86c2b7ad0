#include "ledger/overlay.h"

#include "crypto/check.h"
#include "ledger/index_records.h"
#include "ledger/limits.h"

namespace fl {

bool IsCachedRow(std::string_view key) {
  return IsIdentityRow(key) || IsWriteOnceSubjectRow(key);
}

const std::string* RowCache::Find(const std::string& key) const {
  const auto& rows = IsIdentityRow(key) ? identity_ : subjects_;
  auto it = rows.find(key);
  return it == rows.end() ? nullptr : &it->second;
}

void RowCache::Keep(const std::string& key, const std::string& value) {
  if (IsIdentityRow(key)) {
    identity_[key] = value;
    return;
  }
  FL_CHECK(IsWriteOnceSubjectRow(key), "row ", key, " may change: not cached");
  if (subjects_.size() >= limits::kMaxCachedSubjectRows) subjects_.clear();
  subjects_.insert_or_assign(key, value);
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
    if (const std::string* row = root->cache_->Find(key))
      return std::optional<std::string>(*row);
  }
  bool found = false;
  auto v = store_.Get(f, key, &found);
  if (!v.ok()) return v.error();
  if (!found) return std::optional<std::string>();
  if (cacheable) root->cache_->Keep(key, *v);
  return std::optional<std::string>(std::move(*v));
}

}  // namespace fl
