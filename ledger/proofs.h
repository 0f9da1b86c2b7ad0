// RFC 6962 leaf and node hashing and RFC 9162 proof verification: what a
// reader of the log needs to check an entry or a proof. Public; producing
// proofs from the stored tree stays in merkle.h (internal).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "crypto/sha256.h"

namespace fl {

Hash LeafHash(std::string_view entry);               // SHA-256(0x00 || e)
Hash NodeHash(const Hash& left, const Hash& right);  // SHA-256(0x01||l||r)
Hash EmptyRoot();                                    // SHA-256("")

// RFC 9162 2.1.3.2 and 2.1.4.2. Return false on any mismatch or
// malformed input.
bool VerifyInclusion(const Hash& leaf_hash, std::uint64_t index,
                     std::uint64_t size, const std::vector<Hash>& proof,
                     const Hash& root);
bool VerifyConsistency(std::uint64_t first, std::uint64_t second,
                       const Hash& first_root, const Hash& second_root,
                       const std::vector<Hash>& proof);

}  // namespace fl
