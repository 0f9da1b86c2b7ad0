// Complete-subtree hashes read from the tree family, for proofs and roots.
#pragma once

#include "ledger/merkle.h"
#include "ledger/store.h"

namespace fl {

class StoredNodes final : public NodeSource {
 public:
  explicit StoredNodes(const Store& store) : store_(store) {}
  Result<Hash> Node(unsigned level, std::uint64_t index) const override;

 private:
  const Store& store_;
};

}  // namespace fl
