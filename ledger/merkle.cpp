// RFC 6962 / RFC 9162 Merkle tree. Proof construction follows the
// decomposition of transparency-dev/merkle (proof/proof.go): a proof is made
// of complete subtrees the store already holds, plus at most one ephemeral
// node on the right border that is folded from O(log n) complete subtrees.
#include "ledger/merkle.h"

#include <bit>
#include <cstring>
#include <string>
#include <utility>

namespace fl {
namespace {

// One hasher per thread: hashing is hot (verify walks millions of nodes) and
// the hasher's state is heap-allocated, so reuse it instead of rebuilding.
Sha256Hasher& ThreadHasher() {
  thread_local Sha256Hasher hasher;
  return hasher;
}

Error OutOfRange(std::string detail) {
  return MakeError(Code::kInvalidArgument, "tree_size_out_of_range",
                   std::move(detail));
}

// Index of the complete subtree of 2^level leaves that a tree of `size`
// leaves has on its border for set bit `level` of size: the subtrees of a
// tree's prefix decomposition end where size's lower bits begin.
std::uint64_t PeakIndex(std::uint64_t size, unsigned level) {
  return (size >> level) - 1;
}

// Folds the complete subtrees for the set bits of `size` below `max_level`
// right to left (lowest level first), as the tree shape requires. With
// max_level = 64 this is the root of the tree of `size` leaves.
Result<Hash> FoldRightBorder(const NodeSource& nodes, std::uint64_t size,
                             unsigned max_level) {
  bool have = false;
  Hash acc{};
  for (unsigned level = 0; level < max_level && level < 64; ++level) {
    if (((size >> level) & 1) == 0) continue;
    auto node = nodes.Node(level, PeakIndex(size, level));
    if (!node.ok()) return node.error();
    acc = have ? NodeHash(*node, acc) : *node;
    have = true;
  }
  if (!have) return Internal("merkle: empty right border");
  return acc;
}

// Appends to `proof` the audit path of complete node (level, index) in the
// tree of `size` leaves, without the node itself. Reads at most
// 2 * bit_width(size) nodes: the siblings below the fork, the pieces of the
// ephemeral node, and the left peaks above it, which share the levels.
Status AppendPath(const NodeSource& nodes, unsigned level, std::uint64_t index,
                  std::uint64_t size, std::vector<Hash>* proof) {
  // The fork is where the paths to (level, index) and to leaf `size` part;
  // below it every sibling is complete, its right sibling is the ephemeral
  // node, and above it all siblings are complete left subtrees.
  const unsigned inner =
      static_cast<unsigned>(std::bit_width(index ^ (size >> level))) - 1;
  const unsigned fork_level = level + inner;
  const std::uint64_t fork_index = index >> inner;
  const std::uint64_t begin = fork_index << fork_level;
  const std::uint64_t end = begin + (std::uint64_t{1} << fork_level);

  for (unsigned l = level; l < fork_level; ++l, index >>= 1) {
    auto sibling = nodes.Node(l, index ^ 1);
    if (!sibling.ok()) return sibling.error();
    proof->push_back(*sibling);
  }
  if (end < size) {
    // [end, size) is exactly size's set bits below the fork level.
    auto ephemeral = FoldRightBorder(nodes, size, fork_level);
    if (!ephemeral.ok()) return ephemeral.error();
    proof->push_back(*ephemeral);
  }
  // [0, begin) is begin's prefix decomposition, nearest (lowest) first.
  for (unsigned l = 0; l < 64; ++l) {
    if (((begin >> l) & 1) == 0) continue;
    auto left = nodes.Node(l, PeakIndex(begin, l));
    if (!left.ok()) return left.error();
    proof->push_back(*left);
  }
  return Status::Ok();
}

}  // namespace

Hash LeafHash(std::string_view entry) {
  Sha256Hasher& hasher = ThreadHasher();
  hasher.Update(std::string_view("\x00", 1));
  hasher.Update(entry);
  return hasher.Final();
}

Hash NodeHash(const Hash& left, const Hash& right) {
  // One contiguous stack buffer: a single Update, no allocation.
  char buf[1 + 2 * sizeof(Hash)];
  buf[0] = 0x01;
  std::memcpy(buf + 1, left.data(), left.size());
  std::memcpy(buf + 1 + left.size(), right.data(), right.size());
  Sha256Hasher& hasher = ThreadHasher();
  hasher.Update(std::string_view(buf, sizeof(buf)));
  return hasher.Final();
}

Hash EmptyRoot() {
  static const Hash kEmpty = Sha256("");
  return kEmpty;
}

Result<Hash> RootAt(const NodeSource& nodes, std::uint64_t size) {
  if (size == 0) return EmptyRoot();
  return FoldRightBorder(nodes, size, 64);
}

Result<std::vector<Hash>> InclusionProof(const NodeSource& nodes,
                                         std::uint64_t index,
                                         std::uint64_t size) {
  if (index >= size) {
    return OutOfRange("leaf index " + std::to_string(index) +
                      " is not below tree size " + std::to_string(size));
  }
  std::vector<Hash> proof;
  proof.reserve(std::bit_width(size));
  FL_RETURN_IF_ERROR(AppendPath(nodes, 0, index, size, &proof));
  return proof;
}

Result<std::vector<Hash>> ConsistencyProof(const NodeSource& nodes,
                                           std::uint64_t first,
                                           std::uint64_t second) {
  if (first == 0 || first > second) {
    return OutOfRange("consistency needs 0 < first <= second, got " +
                      std::to_string(first) + " and " + std::to_string(second));
  }
  std::vector<Hash> proof;
  if (first == second) return proof;
  // The largest complete subtree ending at `first`; the proof is its audit
  // path in the second tree. When first is a power of two that subtree is
  // the first root itself, which the verifier already has, so it is omitted.
  const unsigned level = static_cast<unsigned>(std::countr_zero(first));
  const std::uint64_t index = (first - 1) >> level;
  proof.reserve(std::bit_width(second) + 1);
  if (index != 0) {
    auto seed = nodes.Node(level, index);
    if (!seed.ok()) return seed.error();
    proof.push_back(*seed);
  }
  FL_RETURN_IF_ERROR(AppendPath(nodes, level, index, second, &proof));
  return proof;
}

bool VerifyInclusion(const Hash& leaf_hash, std::uint64_t index,
                     std::uint64_t size, const std::vector<Hash>& proof,
                     const Hash& root) {
  if (index >= size) return false;
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return false;  // path longer than the tree is tall
    if ((fn & 1) || fn == sn) {
      r = NodeHash(p, r);
      // Skip the levels where this node has no right sibling.
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyConsistency(std::uint64_t first, std::uint64_t second,
                       const Hash& first_root, const Hash& second_root,
                       const std::vector<Hash>& proof) {
  // An empty first tree proves nothing, so it is refused, even 0 -> 0.
  if (first == 0 || first > second) return false;
  if (first == second) return proof.empty() && first_root == second_root;
  if (proof.empty()) return false;

  // RFC 9162 2.1.4.2 prepends first_root when first is a power of two;
  // starting from it instead of copying the proof keeps this allocation-free.
  std::size_t i = 0;
  const bool power_of_two = (first & (first - 1)) == 0;
  Hash fr = power_of_two ? first_root : proof[i++];
  Hash sr = fr;
  std::uint64_t fn = first - 1;
  std::uint64_t sn = second - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  for (; i < proof.size(); ++i) {
    if (sn == 0) return false;
    const Hash& c = proof[i];
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && fr == first_root && sr == second_root;
}

Result<CompactRange> CompactRange::Load(const NodeSource& nodes,
                                        std::uint64_t size) {
  CompactRange range;
  range.size_ = size;
  range.peaks_.reserve(std::popcount(size));
  for (int level = 63; level >= 0; --level) {
    const auto l = static_cast<unsigned>(level);
    if (((size >> l) & 1) == 0) continue;
    auto peak = nodes.Node(l, PeakIndex(size, l));
    if (!peak.ok()) return peak.error();
    range.peaks_.push_back(*peak);
  }
  return range;
}

void CompactRange::Append(const Hash& leaf, const NodeSink& sink) {
  Hash h = leaf;
  std::uint64_t index = size_;
  unsigned level = 0;
  if (sink) sink(level, index, h);
  // Each trailing one bit of the old size is a peak the new node completes.
  while (index & 1) {
    h = NodeHash(peaks_.back(), h);
    peaks_.pop_back();
    index >>= 1;
    ++level;
    if (sink) sink(level, index, h);
  }
  peaks_.push_back(h);
  ++size_;
}

Hash CompactRange::Root() const {
  if (peaks_.empty()) return EmptyRoot();
  Hash h = peaks_.back();
  for (auto it = peaks_.rbegin() + 1; it != peaks_.rend(); ++it) {
    h = NodeHash(*it, h);
  }
  return h;
}

}  // namespace fl
