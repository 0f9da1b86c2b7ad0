// Signed checkpoints (LEDGER.md 5): C2SP tlog-checkpoint bodies in C2SP
// signed notes, key name = origin = "fundledger/<ledger name>".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "crypto/signed_note.h"
#include "crypto/status.h"

namespace fl {

std::string OriginFor(std::string_view ledger_name);

struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  Hash root{};
};

std::string CheckpointBody(const Checkpoint& c);
std::string SignCheckpoint(const Checkpoint& c, const PrivateKey& key);
// Verifies the note against `verifier` and parses the body; the origin must
// equal the verifier's name.
Result<Checkpoint> OpenCheckpoint(std::string_view note,
                                  const NoteVerifier& verifier);

}  // namespace fl
