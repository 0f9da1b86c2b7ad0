// RFC 6962 / RFC 9162 Merkle tree: hashing, proofs from stored complete
// subtrees (O(log n) node reads), and proof verification.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "crypto/sha256.h"
#include "crypto/status.h"

namespace fl {

Hash LeafHash(std::string_view entry);                  // SHA-256(0x00 || e)
Hash NodeHash(const Hash& left, const Hash& right);      // SHA-256(0x01||l||r)
Hash EmptyRoot();                                        // SHA-256("")

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

// RFC 9162 2.1.3.2 and 2.1.4.2. Return false on any mismatch or
// malformed input.
bool VerifyInclusion(const Hash& leaf_hash, std::uint64_t index,
                     std::uint64_t size, const std::vector<Hash>& proof,
                     const Hash& root);
bool VerifyConsistency(std::uint64_t first, std::uint64_t second,
                       const Hash& first_root, const Hash& second_root,
                       const std::vector<Hash>& proof);

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
