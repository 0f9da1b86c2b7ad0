// RFC 6962 / RFC 9162 Merkle tree: hashing, proofs from stored complete
// subtrees (O(log n) node reads), and proof verification.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "crypto/sha256.h"
#include "crypto/status.h"
#include "ledger/proofs.h"  // hashing and verification

namespace fl {

// Source of complete-subtree hashes: Node(level, index) is the root of the
// perfect subtree over leaves [index << level, (index + 1) << level).
class NodeSource {
 public:
  virtual ~NodeSource() = default;
  virtual Result<Hash> Node(unsigned level, std::uint64_t index) const = 0;
};

// Root of the tree of the first `size` leaves.
Result<Hash> RootAt(const NodeSource& nodes, std::uint64_t size);
// RFC 9162 2.1.3.1 audit path of leaf `index` in the tree of `size`.
Result<std::vector<Hash>> InclusionProof(const NodeSource& nodes,
                                         std::uint64_t index,
                                         std::uint64_t size);
// RFC 9162 2.1.4.1 consistency proof between sizes first < second.
Result<std::vector<Hash>> ConsistencyProof(const NodeSource& nodes,
                                           std::uint64_t first,
                                           std::uint64_t second);

// The right border of a growing tree: one hash per set bit of size. Append
// reports every complete subtree the new leaf finishes, so a store can
// persist exactly the nodes NodeSource needs.
class CompactRange {
 public:
  using NodeSink =
      std::function<void(unsigned level, std::uint64_t index, const Hash&)>;

  CompactRange() = default;
  // Rebuild from a store: reads the O(log n) peaks for `size`.
  static Result<CompactRange> Load(const NodeSource& nodes, std::uint64_t size);

  std::uint64_t size() const { return size_; }
  void Append(const Hash& leaf, const NodeSink& sink);
  Hash Root() const;

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash> peaks_;  // highest level first
};

}  // namespace fl
