// Merkle tree: the RFC 6962 8-leaf vectors, the transparency-dev probe files,
// and properties against a naive RFC 9162 reference with read counting.
#include "ledger/merkle.h"

#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "api/http/http_status_map.h"
#include "test_util.h"

namespace fl {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Local decoders keep this test independent of crypto/encoding.
std::string Unhex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  REQUIRE(hex.size() % 2 == 0);
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    REQUIRE((hi >= 0 && lo >= 0));
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::optional<std::string> Unbase64(std::string_view text) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t pad = 0;
  for (char c : text) {
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad != 0) return std::nullopt;
    const auto pos = kAlphabet.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (pad > 2) return std::nullopt;
  return out;
}

Hash HashFromHex(std::string_view hex) {
  const std::string bytes = Unhex(hex);
  REQUIRE(bytes.size() == 32);
  Hash h;
  std::memcpy(h.data(), bytes.data(), h.size());
  return h;
}

// Every complete subtree CompactRange reports, keyed by (level, index).
class NodeMap {
 public:
  CompactRange::NodeSink Sink() {
    return [this](unsigned level, std::uint64_t index, const Hash& h) {
      nodes_[{level, index}] = h;
    };
  }
  const Hash* Find(unsigned level, std::uint64_t index) const {
    auto it = nodes_.find({level, index});
    return it == nodes_.end() ? nullptr : &it->second;
  }
  std::size_t size() const { return nodes_.size(); }

 private:
  std::map<std::pair<unsigned, std::uint64_t>, Hash> nodes_;
};

// The store as it was at `size` leaves: a node not yet complete then is
// refused, so any read of a partial subtree (i.e. a rebuild shortcut or an
// off-by-one) fails loudly. Counts reads to check the O(log n) bound.
class PrefixNodes final : public NodeSource {
 public:
  PrefixNodes(const NodeMap& map, std::uint64_t size)
      : map_(map), size_(size) {}

  Result<Hash> Node(unsigned level, std::uint64_t index) const override {
    ++reads_;
    // (index + 1) << level <= size, written so it cannot overflow.
    if (level >= 64 || index >= (size_ >> level)) {
      return MakeError(fl::Code::kDataLoss, "missing_node",
                       "node not complete at this size");
    }
    const Hash* h = map_.Find(level, index);
    if (h == nullptr)
      return MakeError(fl::Code::kDataLoss, "missing_node", "node not stored");
    return *h;
  }
  std::size_t reads() const { return reads_; }
  void ResetReads() { reads_ = 0; }

 private:
  const NodeMap& map_;
  std::uint64_t size_;
  mutable std::size_t reads_ = 0;
};

// RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1 transcribed literally (MTH, PATH,
// SUBPROOF), memoising MTH so exhaustive comparisons stay cheap.
class Reference {
 public:
  explicit Reference(const std::vector<Hash>& leaves) : leaves_(leaves) {}

  Hash Mth(std::uint64_t b, std::uint64_t e) {
    const std::uint64_t n = e - b;
    if (n == 0) return EmptyRoot();
    if (n == 1) return leaves_[b];
    auto it = cache_.find({b, e});
    if (it != cache_.end()) return it->second;
    const std::uint64_t k = std::bit_floor(n - 1);  // largest 2^x < n
    const Hash h = NodeHash(Mth(b, b + k), Mth(b + k, e));
    cache_.emplace(std::make_pair(b, e), h);
    return h;
  }

  // PATH(m, D[b:e]).
  std::vector<Hash> Path(std::uint64_t m, std::uint64_t b, std::uint64_t e) {
    const std::uint64_t n = e - b;
    if (n == 1) return {};
    const std::uint64_t k = std::bit_floor(n - 1);
    std::vector<Hash> p;
    if (m < k) {
      p = Path(m, b, b + k);
      p.push_back(Mth(b + k, e));
    } else {
      p = Path(m - k, b + k, e);
      p.push_back(Mth(b, b + k));
    }
    return p;
  }

  // SUBPROOF(m, D[b:e], complete).
  std::vector<Hash> SubProof(std::uint64_t m, std::uint64_t b, std::uint64_t e,
                             bool complete) {
    const std::uint64_t n = e - b;
    if (m == n) {
      if (complete) return {};
      return {Mth(b, e)};
    }
    const std::uint64_t k = std::bit_floor(n - 1);
    std::vector<Hash> p;
    if (m <= k) {
      p = SubProof(m, b, b + k, complete);
      p.push_back(Mth(b + k, e));
    } else {
      p = SubProof(m - k, b + k, e, false);
      p.push_back(Mth(b, b + k));
    }
    return p;
  }

 private:
  const std::vector<Hash>& leaves_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, Hash> cache_;
};

// A log with every root it had, built only through CompactRange::Append.
struct Log {
  std::vector<Hash> leaves;
  std::vector<Hash> roots;  // roots[n] = root at n leaves
  NodeMap nodes;
};

Log BuildLog(std::uint64_t n) {
  Log log;
  CompactRange range;
  log.roots.push_back(range.Root());
  const auto sink = log.nodes.Sink();
  for (std::uint64_t i = 0; i < n; ++i) {
    log.leaves.push_back(LeafHash("leaf " + std::to_string(i)));
    range.Append(log.leaves.back(), sink);
    log.roots.push_back(range.Root());
  }
  return log;
}

// Reads allowed for one proof. Inclusion reads the siblings below the fork
// (fork_level of them), the complete pieces of the ephemeral node (set bits
// of n below fork_level, so at most fork_level) and the left peaks above the
// fork (set bits of n's prefix above fork_level, at most W-1-fork_level with
// W = bit_width(n)). Sum <= W-1+fork_level <= 2(W-1). Consistency adds the
// seed node, so both stay within 2*floor(log2 n) + 1.
std::size_t ReadBound(std::uint64_t n) {
  return 2 * (static_cast<std::size_t>(std::bit_width(n)) - 1) + 1;
}

Hash Flip(Hash h) {
  h[7] ^= 0x40;
  return h;
}

TEST_CASE("merkle: RFC 6962 8-leaf vectors", "[merkle]") {
  const json v = json::parse(
      test::ReadFile(test::VectorsDir() / "merkle/rfc6962_8leaf_vectors.json"));

  REQUIRE(EmptyRoot() ==
          HashFromHex(v.at("empty_tree_hash").get<std::string>()));

  std::vector<Hash> leaf_hashes;
  for (const auto& leaf : v.at("leaves")) {
    leaf_hashes.push_back(LeafHash(Unhex(leaf.get<std::string>())));
  }
  REQUIRE(leaf_hashes.size() == 8);

  std::map<std::uint64_t, Hash> roots;
  for (const auto& r : v.at("roots")) {
    roots[r.at("tree_size").get<std::uint64_t>()] =
        HashFromHex(r.at("root").get<std::string>());
  }
  REQUIRE(roots.size() == 9);

  // Roots through CompactRange, filling the node store from its sink.
  NodeMap nodes;
  CompactRange range;
  REQUIRE(range.Root() == roots.at(0));
  for (std::uint64_t i = 0; i < 8; ++i) {
    range.Append(leaf_hashes[i], nodes.Sink());
    REQUIRE(range.size() == i + 1);
    REQUIRE(range.Root() == roots.at(i + 1));
  }

  // Every complete subtree hash, level by level, and nothing else stored.
  const auto& levels = v.at("node_hashes_by_level").at("levels");
  std::size_t table_nodes = 0;
  for (std::size_t level = 0; level < levels.size(); ++level) {
    for (std::size_t i = 0; i < levels[level].size(); ++i) {
      INFO("level " << level << " index " << i);
      const Hash* h = nodes.Find(static_cast<unsigned>(level), i);
      REQUIRE(h != nullptr);
      REQUIRE(*h == HashFromHex(levels[level][i].get<std::string>()));
      ++table_nodes;
    }
  }
  REQUIRE(table_nodes == 15);
  REQUIRE(nodes.size() == table_nodes);
  for (std::size_t i = 0; i < 8; ++i)
    REQUIRE(leaf_hashes[i] == *nodes.Find(0, i));

  // RootAt from stored nodes, and Load, for every size.
  for (std::uint64_t n = 0; n <= 8; ++n) {
    INFO("size " << n);
    const PrefixNodes view(nodes, n);
    auto root = RootAt(view, n);
    REQUIRE(root.ok());
    REQUIRE(*root == roots.at(n));
    auto loaded = CompactRange::Load(view, n);
    REQUIRE(loaded.ok());
    REQUIRE(loaded->size() == n);
    REQUIRE(loaded->Root() == roots.at(n));
  }

  std::size_t inclusion = 0;
  for (const auto& p : v.at("inclusion_proofs")) {
    const auto index = p.at("leaf_index").get<std::uint64_t>();
    const auto size = p.at("tree_size").get<std::uint64_t>();
    INFO("inclusion " << index << " in " << size);
    std::vector<Hash> want;
    for (const auto& h : p.at("path"))
      want.push_back(HashFromHex(h.get<std::string>()));
    auto got = InclusionProof(PrefixNodes(nodes, size), index, size);
    REQUIRE(got.ok());
    REQUIRE(*got == want);
    REQUIRE(
        VerifyInclusion(leaf_hashes[index], index, size, want, roots.at(size)));
    ++inclusion;
  }
  REQUIRE(inclusion == 5);

  std::size_t consistency = 0;
  for (const auto& p : v.at("consistency_proofs")) {
    const auto first = p.at("size1").get<std::uint64_t>();
    const auto second = p.at("size2").get<std::uint64_t>();
    INFO("consistency " << first << " -> " << second);
    std::vector<Hash> want;
    for (const auto& h : p.at("path"))
      want.push_back(HashFromHex(h.get<std::string>()));
    auto got = ConsistencyProof(PrefixNodes(nodes, second), first, second);
    REQUIRE(got.ok());
    REQUIRE(*got == want);
    REQUIRE(VerifyConsistency(first, second, roots.at(first), roots.at(second),
                              want));
    ++consistency;
  }
  REQUIRE(consistency == 5);
}

// fl::Hash is always 32 bytes, so probe values of another length (upstream
// uses "WrongRoot", "don't care 1", "") cannot reach our API verbatim. They
// become a stand-in no real tree produces; equal inputs stay equal, which is
// all the upstream checks observe of a root or a proof node.
Hash AsHash(const std::string& bytes) {
  if (bytes.size() == 32) {
    Hash h;
    std::memcpy(h.data(), bytes.data(), h.size());
    return h;
  }
  return Sha256("fundledger test: not a 32-byte hash: " + bytes);
}

std::string B64Field(const json& j, const char* key) {
  auto bytes = Unbase64(j.at(key).get<std::string>());
  REQUIRE(bytes.has_value());
  return *bytes;
}

std::vector<Hash> ProofField(const json& j) {
  std::vector<Hash> proof;
  const json& p = j.at("proof");
  if (p.is_null()) return proof;
  for (const auto& h : p) {
    auto bytes = Unbase64(h.get<std::string>());
    REQUIRE(bytes.has_value());
    proof.push_back(AsHash(*bytes));
  }
  return proof;
}

std::vector<fs::path> JsonFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".json") {
      files.push_back(e.path());
    }
  }
  return files;
}

TEST_CASE("merkle: transparency-dev probe files", "[merkle]") {
  const fs::path root = test::VectorsDir() / "merkle/transparency-dev-testdata";
  const auto inclusion_files = JsonFiles(root / "inclusion");
  const auto consistency_files = JsonFiles(root / "consistency");
  REQUIRE(inclusion_files.size() >= 98);
  REQUIRE(consistency_files.size() >= 98);

  std::size_t checked = 0;
  std::size_t accepted = 0;
  for (const auto& path : inclusion_files) {
    INFO(path.string());
    const json j = json::parse(test::ReadFile(path));
    const std::string leaf = B64Field(j, "leafHash");
    // Upstream refuses a leaf hash of the wrong length before hashing
    // (RootFromInclusionProof); our typed API cannot even be handed one,
    // so the caller's parse step is where such a probe stops.
    const bool ok =
        leaf.size() == 32 &&
        VerifyInclusion(AsHash(leaf), j.at("leafIdx").get<std::uint64_t>(),
                        j.at("treeSize").get<std::uint64_t>(), ProofField(j),
                        AsHash(B64Field(j, "root")));
    REQUIRE(ok == !j.at("wantErr").get<bool>());
    accepted += ok;
    ++checked;
  }
  for (const auto& path : consistency_files) {
    INFO(path.string());
    const json j = json::parse(test::ReadFile(path));
    const bool ok = VerifyConsistency(
        j.at("size1").get<std::uint64_t>(), j.at("size2").get<std::uint64_t>(),
        AsHash(B64Field(j, "root1")), AsHash(B64Field(j, "root2")),
        ProofField(j));
    REQUIRE(ok == !j.at("wantErr").get<bool>());
    accepted += ok;
    ++checked;
  }
  REQUIRE(checked == inclusion_files.size() + consistency_files.size());
  REQUIRE(checked >= 196);
  // Five happy paths each, plus the single-entry and equal-size positives.
  REQUIRE(accepted == 12);
}

TEST_CASE("merkle: exhaustive proofs for sizes 1..300", "[merkle]") {
  constexpr std::uint64_t kMax = 300;
  const Log log = BuildLog(kMax);
  // One node per leaf plus one per internal node of every complete subtree.
  REQUIRE(log.nodes.size() == 2 * kMax - std::popcount(kMax));
  Reference ref(log.leaves);

  std::size_t proofs = 0;
  for (std::uint64_t n = 1; n <= kMax; ++n) {
    INFO("size " << n);
    PrefixNodes view(log.nodes, n);
    auto root = RootAt(view, n);
    REQUIRE(root.ok());
    REQUIRE(*root == ref.Mth(0, n));
    REQUIRE(*root == log.roots[n]);
    REQUIRE(view.reads() == static_cast<std::size_t>(std::popcount(n)));

    for (std::uint64_t i = 0; i < n; ++i) {
      INFO("leaf " << i);
      view.ResetReads();
      auto proof = InclusionProof(view, i, n);
      REQUIRE(proof.ok());
      REQUIRE(view.reads() <= ReadBound(n));
      REQUIRE(*proof == ref.Path(i, 0, n));
      REQUIRE(VerifyInclusion(log.leaves[i], i, n, *proof, *root));
      REQUIRE_FALSE(
          VerifyInclusion(log.leaves[(i + 1) % n], i, n, *proof, Flip(*root)));
      if (n > 1) {
        REQUIRE_FALSE(
            VerifyInclusion(log.leaves[(i + 1) % n], i, n, *proof, *root));
        auto bad = *proof;
        bad[i % bad.size()] = Flip(bad[i % bad.size()]);
        REQUIRE_FALSE(VerifyInclusion(log.leaves[i], i, n, bad, *root));
        bad = *proof;
        bad.pop_back();
        REQUIRE_FALSE(VerifyInclusion(log.leaves[i], i, n, bad, *root));
      }
      auto longer = *proof;
      longer.push_back(*root);
      REQUIRE_FALSE(VerifyInclusion(log.leaves[i], i, n, longer, *root));
      ++proofs;
    }

    for (std::uint64_t m = 1; m <= n; ++m) {
      INFO("first " << m);
      view.ResetReads();
      auto proof = ConsistencyProof(view, m, n);
      REQUIRE(proof.ok());
      REQUIRE(view.reads() <= ReadBound(n));
      REQUIRE(*proof == ref.SubProof(m, 0, n, true));
      REQUIRE(VerifyConsistency(m, n, log.roots[m], *root, *proof));
      if (m < n) {
        REQUIRE_FALSE(VerifyConsistency(m, n, *root, log.roots[m], *proof));
        REQUIRE_FALSE(VerifyConsistency(m, n, log.roots[m], *root, {}));
        auto bad = *proof;
        bad[m % bad.size()] = Flip(bad[m % bad.size()]);
        REQUIRE_FALSE(VerifyConsistency(m, n, log.roots[m], *root, bad));
        bad = *proof;
        bad.push_back(*root);
        REQUIRE_FALSE(VerifyConsistency(m, n, log.roots[m], *root, bad));
      }
      ++proofs;
    }
  }
  REQUIRE(proofs == kMax * (kMax + 1));
}

TEST_CASE("merkle: random sizes up to 100000 read O(log n) nodes", "[merkle]") {
  constexpr std::uint64_t kMax = 100000;
  const Log log = BuildLog(kMax);
  REQUIRE(log.nodes.size() == 2 * kMax - std::popcount(kMax));
  Reference ref(log.leaves);

  std::mt19937_64 rng(6962);
  std::vector<std::uint64_t> sizes = {kMax,  kMax - 1, 65536, 65535,
                                      65537, 1 << 15,  99999, 4097};
  for (int k = 0; k < 24; ++k) {
    sizes.push_back(std::uniform_int_distribution<std::uint64_t>(1, kMax)(rng));
  }
  // The naive MTH is O(n) hashes; check it on a few of the big sizes.
  REQUIRE(ref.Mth(0, kMax) == log.roots[kMax]);
  REQUIRE(ref.Mth(0, 65537) == log.roots[65537]);

  std::size_t max_reads = 0;
  for (const std::uint64_t n : sizes) {
    INFO("size " << n);
    PrefixNodes view(log.nodes, n);
    auto root = RootAt(view, n);
    REQUIRE(root.ok());
    REQUIRE(*root == log.roots[n]);
    REQUIRE(view.reads() == static_cast<std::size_t>(std::popcount(n)));

    auto loaded = CompactRange::Load(view, n);
    REQUIRE(loaded.ok());
    REQUIRE(loaded->Root() == *root);
    if (n < kMax) {
      // Appending to a loaded range reports the same nodes the log stored.
      NodeMap fresh;
      loaded->Append(log.leaves[n], fresh.Sink());
      REQUIRE(loaded->Root() == log.roots[n + 1]);
      REQUIRE(fresh.size() == static_cast<std::size_t>(std::countr_one(n)) + 1);
      for (unsigned level = 0;
           level <= static_cast<unsigned>(std::countr_one(n)); ++level) {
        const std::uint64_t index = n >> level;
        REQUIRE(fresh.Find(level, index) != nullptr);
        REQUIRE(*fresh.Find(level, index) == *log.nodes.Find(level, index));
      }
    }

    std::uniform_int_distribution<std::uint64_t> pick(0, n - 1);
    std::vector<std::uint64_t> indices = {0, n - 1, n / 2};
    for (int k = 0; k < 40; ++k) indices.push_back(pick(rng));
    for (const std::uint64_t i : indices) {
      INFO("leaf " << i);
      view.ResetReads();
      auto proof = InclusionProof(view, i, n);
      REQUIRE(proof.ok());
      REQUIRE(view.reads() <= ReadBound(n));
      max_reads = std::max(max_reads, view.reads());
      REQUIRE(proof->size() <= static_cast<std::size_t>(std::bit_width(n - 1)));
      REQUIRE(VerifyInclusion(log.leaves[i], i, n, *proof, *root));
    }
    std::vector<std::uint64_t> firsts = {1, n, std::bit_floor(n)};
    if (n > 1) firsts.push_back(n - 1);
    for (int k = 0; k < 40; ++k) firsts.push_back(pick(rng) + 1);
    for (const std::uint64_t m : firsts) {
      INFO("first " << m);
      view.ResetReads();
      auto proof = ConsistencyProof(view, m, n);
      REQUIRE(proof.ok());
      REQUIRE(view.reads() <= ReadBound(n));
      max_reads = std::max(max_reads, view.reads());
      REQUIRE(VerifyConsistency(m, n, log.roots[m], *root, *proof));
    }
  }
  // 2 * floor(log2 100000) + 1 = 33.
  REQUIRE(max_reads <= 33);
}

TEST_CASE("merkle: argument errors and store failures", "[merkle]") {
  const Log log = BuildLog(10);
  const PrefixNodes view(log.nodes, 10);

  auto out = InclusionProof(view, 10, 10);
  REQUIRE_FALSE(out.ok());
  REQUIRE(fl::http::HttpStatus(out.error()) == 422);
  REQUIRE(out.error().reason == "tree_size_out_of_range");
  REQUIRE_FALSE(InclusionProof(view, 0, 0).ok());
  REQUIRE_FALSE(
      InclusionProof(view, std::numeric_limits<std::uint64_t>::max(), 10).ok());

  for (auto [first, second] :
       {std::pair<std::uint64_t, std::uint64_t>{0, 0}, {0, 5}, {6, 5}}) {
    auto c = ConsistencyProof(view, first, second);
    REQUIRE_FALSE(c.ok());
    REQUIRE(fl::http::HttpStatus(c.error()) == 422);
    REQUIRE(c.error().reason == "tree_size_out_of_range");
  }
  auto same = ConsistencyProof(view, 7, 7);
  REQUIRE(same.ok());
  REQUIRE(same->empty());

  // Asking past what the store holds surfaces the store's own error.
  auto root = RootAt(view, 11);
  REQUIRE_FALSE(root.ok());
  REQUIRE(root.error().reason == "missing_node");
  REQUIRE_FALSE(InclusionProof(view, 3, 12).ok());
  REQUIRE_FALSE(ConsistencyProof(view, 3, 12).ok());
  REQUIRE_FALSE(CompactRange::Load(view, 11).ok());
  auto empty = RootAt(view, 0);
  REQUIRE(empty.ok());
  REQUIRE(*empty == Sha256(""));

  // Verifier edge cases from SOURCES.md section 1.
  const Hash r = log.roots[10];
  REQUIRE_FALSE(VerifyConsistency(0, 0, r, r, {}));
  REQUIRE_FALSE(VerifyConsistency(0, 10, EmptyRoot(), r, {r}));
  REQUIRE(VerifyConsistency(10, 10, r, r, {}));
  REQUIRE_FALSE(VerifyConsistency(10, 10, r, Flip(r), {}));
  REQUIRE_FALSE(VerifyConsistency(10, 10, r, r, {r}));
  REQUIRE_FALSE(VerifyConsistency(5, 10, log.roots[5], r, {}));
  REQUIRE_FALSE(VerifyConsistency(10, 5, r, log.roots[5], {}));
  REQUIRE_FALSE(VerifyInclusion(log.leaves[0], 10, 10, {}, r));
  REQUIRE_FALSE(VerifyInclusion(log.leaves[0], 0, 0, {}, EmptyRoot()));
  REQUIRE(VerifyInclusion(log.leaves[0], 0, 1, {}, log.leaves[0]));

  // Hashing domain separation (RFC 6962 section 2.1).
  REQUIRE(LeafHash("") == Sha256(std::string_view("\0", 1)));
  const Hash a = LeafHash("a");
  const Hash b = LeafHash("b");
  REQUIRE(NodeHash(a, b) ==
          Sha256("\x01" + std::string(AsBytes(a)) + std::string(AsBytes(b))));
  REQUIRE(NodeHash(a, b) != NodeHash(b, a));
}

}  // namespace
}  // namespace fl
