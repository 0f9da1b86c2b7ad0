#include "ledger/overlay.h"

namespace fl {

Result<std::optional<std::string>> Overlay::Get(Store::Family f,
                                                const std::string& key) const {
  for (const Overlay* o = this; o != nullptr; o = o->parent_) {
    auto it = o->rows_.find({f, key});
    if (it != o->rows_.end()) return std::optional<std::string>(it->second);
  }
  bool found = false;
  auto v = store_.Get(f, key, &found);
  if (!v.ok()) return v.error();
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(std::move(*v));
}

}  // namespace fl
