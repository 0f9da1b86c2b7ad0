// C2SP tlog-cosignature v1 with Ed25519 (signed-note key type 0x04): a
// witness's timestamped signature over a checkpoint body. A cosignature
// line is an ordinary note signature line, so it can be appended to the
// log's signed checkpoint and carried in proof files (c2sp.org/tlog-proof).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519.h"
#include "crypto/status.h"

namespace fl {

struct Cosigner {
  std::string name;
  std::array<std::uint8_t, 4> key_id{};
  PublicKey public_key{};
};

// SHA-256(name || "\n" || 0x04 || public key)[:4].
std::array<std::uint8_t, 4> CosignerKeyId(std::string_view name,
                                          const PublicKey& key);
// The vkey "<name>+<hex key id>+<base64(0x04 || public key)>".
std::string CosignerKeyString(std::string_view name, const PublicKey& key);
// Strict: the name, a matching key id, type byte 0x04 and an acceptable
// Ed25519 key.
Result<Cosigner> ParseCosignerKey(std::string_view text);
// A comma-separated list of vkeys (base64 has no commas); names must differ.
Result<std::vector<Cosigner>> ParseCosignerKeys(std::string_view list);

// "cosignature/v1\ntime <timestamp>\n" || body: what the witness signs.
std::string CosignedMessage(std::string_view body, std::uint64_t timestamp);
// "— <name> base64(key id || be64(timestamp) || signature)\n". `body` is
// the checkpoint note body (ending in '\n'); timestamp <= 2^63 - 1.
std::string CosignatureLine(std::string_view body, std::string_view name,
                            const PrivateKey& key, std::uint64_t timestamp);

struct VerifiedCosignature {
  std::string name;
  std::uint64_t timestamp = 0;
};

// The note body of a signed note (everything up to and including the line
// before the last blank line), or malformed_note.
Result<std::string> NoteBody(std::string_view note);

// Every valid cosignature on `note` by one of `cosigners`, at most one per
// cosigner, in the cosigners' order. Lines of other keys are ignored; a line
// that matches a cosigner's name and key id but does not verify makes the
// whole note invalid (bad_cosignature), as signed-note says.
Result<std::vector<VerifiedCosignature>> VerifyCosignatures(
    std::string_view note, const std::vector<Cosigner>& cosigners);

// Ok when at least `quorum` of `cosigners` cosigned `note`; otherwise
// quorum_not_met naming who did and who did not.
Status CheckQuorum(std::string_view note,
                   const std::vector<Cosigner>& cosigners, std::size_t quorum);

}  // namespace fl
