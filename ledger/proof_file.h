// C2SP tlog-proof (c2sp.org/tlog-proof@v1): one text file holding an entry's
// index, its inclusion proof and the signed checkpoint it is proved under,
// so an auditor can keep it and check it years later with the verifier key
// alone. `extra` carries the stored entry bytes when the reader may see
// them; it is not trusted by itself: the verifier hashes it as the leaf.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/sha256.h"
#include "crypto/signed_note.h"
#include "crypto/status.h"
#include "ledger/checkpoint.h"

namespace fl {

class Ledger;

struct ProofFile {
  std::optional<std::string> extra;  // raw bytes (base64 in the file)
  std::uint64_t index = 0;
  std::vector<Hash> proof;  // from the leaf's sibling up
  std::string checkpoint;   // the signed note, verbatim
};

std::string FormatProofFile(const ProofFile& p);
// Strict: the v1 header, `index` without leading zeros, 32-byte base64
// hashes, an empty line, then a non-empty checkpoint. invalid_argument else.
Result<ProofFile> ParseProofFile(std::string_view text);

// The proof file of entry `seq` under the ledger's newest checkpoint, with
// the entry in `extra` when `with_entry`.
Result<ProofFile> MakeProofFile(const Ledger& ledger, std::uint64_t seq,
                                bool with_entry);
// The same under a given checkpoint note of this ledger (e.g. one carrying
// witness cosignatures, kept verbatim); it must be signed by the ledger
// and cover `seq`.
Result<ProofFile> MakeProofFileUnder(const Ledger& ledger, std::uint64_t seq,
                                     bool with_entry, std::string checkpoint);

struct ProvenEntry {
  Checkpoint checkpoint;
  std::string entry;  // the stored entry bytes that were proved
};
// Offline check: the checkpoint is signed by `verifier` (and names its
// origin), index < size, and `entry` (or, when empty, the file's extra) is
// a stored entry whose seq is the index and whose leaf hash is included.
Result<ProvenEntry> VerifyProofFile(const ProofFile& p,
                                    const NoteVerifier& verifier,
                                    std::optional<std::string_view> entry);

}  // namespace fl
