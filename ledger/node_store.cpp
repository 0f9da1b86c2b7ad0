#include "ledger/node_store.h"

#include <algorithm>

namespace fl {

Result<Hash> StoredNodes::Node(unsigned level, std::uint64_t index) const {
  bool found = false;
  auto v = store_.Get(Store::kTree, TreeKey(level, index), &found);
  if (!v.ok()) return v.error();
  if (!found || v->size() != 32) {
    return DataLoss("tree node " + std::to_string(level) + "/" +
                    std::to_string(index) + " missing");
  }
  Hash h;
  std::copy(v->begin(), v->end(), h.begin());
  return h;
}

}  // namespace fl
