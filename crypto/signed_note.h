// C2SP signed-note with Ed25519 signatures (alg byte 0x01), as used for
// checkpoints (LEDGER.md 5).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/ed25519.h"
#include "crypto/status.h"

namespace fl {

struct NoteVerifier {
  std::string name;
  std::array<std::uint8_t, 4> key_hash{};
  PublicKey public_key{};
};

// C2SP: a key name is non-empty UTF-8 with no spaces and no '+'
// (control characters refused too). Cosigner names follow the same rule.
bool IsValidKeyName(std::string_view name);

// key hash = first 4 bytes of SHA-256(name || "\n" || 0x01 || public key).
std::array<std::uint8_t, 4> NoteKeyHash(std::string_view name,
                                        const PublicKey& key);

// "<name>+<hex key hash>+<base64(0x01 || public key)>"
std::string VerifierKeyString(std::string_view name, const PublicKey& key);
Result<NoteVerifier> ParseVerifierKey(std::string_view text);

// `body` must end in '\n'. Returns body + "\n" + "— name sig\n".
std::string SignNote(std::string_view body, std::string_view name,
                     const PrivateKey& key);

// Checks that `note` carries a valid signature by `verifier` (lines for
// unknown keys are ignored) and returns the body (ending in '\n').
Result<std::string> OpenNote(std::string_view note,
                             const NoteVerifier& verifier);

}  // namespace fl
