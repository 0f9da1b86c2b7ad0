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

// Signed-note key types over Ed25519 keys: a note signer's, and a
// witness's timestamped cosignature (c2sp.org/tlog-cosignature).
inline constexpr std::uint8_t kNoteAlgEd25519 = 0x01;
inline constexpr std::uint8_t kNoteAlgCosignatureV1 = 0x04;

// key hash = first 4 bytes of SHA-256(name || "\n" || alg || public key).
std::array<std::uint8_t, 4> NoteKeyHash(std::string_view name,
                                        const PublicKey& key,
                                        std::uint8_t alg = kNoteAlgEd25519);

// "<name>+<hex key hash>+<base64(alg || public key)>", and its parse, which
// checks the name, the type byte, the key and the hash; errors say `what`.
std::string NoteKeyString(std::string_view name, const PublicKey& key,
                          std::uint8_t alg);
Result<NoteVerifier> ParseNoteKey(std::string_view text, std::uint8_t alg,
                                  std::string_view what);

// The same for type 0x01, the note signer's (verifier) key.
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
