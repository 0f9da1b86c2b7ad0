// A mirror's data directory holds no private key: instead of ledger.pem it
// holds the verifier key of the log it copies (DIR/mirror.vkey, the C2SP
// verifier key string pinned when the mirror was created). Open and verify
// read whichever of the two the directory has.
#pragma once

#include <optional>
#include <string>

#include "crypto/signed_note.h"
#include "crypto/status.h"

namespace fl {

inline constexpr const char* kMirrorKeyFile = "mirror.vkey";

// The pinned verifier of a mirror directory; nullopt when DIR is not a
// mirror (no DIR/mirror.vkey).
Result<std::optional<NoteVerifier>> ReadMirrorKey(const std::string& dir);
// Writes DIR/mirror.vkey (the directory must exist); refuses a key string
// that does not parse.
Status WriteMirrorKey(const std::string& dir, const std::string& vkey);

}  // namespace fl
