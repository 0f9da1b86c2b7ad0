#include "crypto/signed_note.h"

#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "crypto/encoding.h"

namespace fl {
namespace {

constexpr std::string_view kSigPrefix = "\xe2\x80\x94 ";  // "— "
// As in Go's golang.org/x/mod/sumdb/note: bounds the work one note costs.
constexpr int kMaxSignatures = 100;

// Decodes one UTF-8 sequence at s[*i], advancing *i; -1 when the bytes
// are not well-formed (overlong, surrogate, out of range, truncated).
std::int32_t NextRune(std::string_view s, std::size_t* i) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = at(*i);
  if (c < 0x80) {
    ++*i;
    return c;
  }
  int len;
  std::int32_t r;
  std::int32_t min;
  if ((c & 0xe0) == 0xc0) {
    len = 2, r = c & 0x1f, min = 0x80;
  } else if ((c & 0xf0) == 0xe0) {
    len = 3, r = c & 0x0f, min = 0x800;
  } else if ((c & 0xf8) == 0xf0) {
    len = 4, r = c & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (*i + len > s.size()) return -1;
  for (int k = 1; k < len; ++k) {
    unsigned char cc = at(*i + k);
    if ((cc & 0xc0) != 0x80) return -1;
    r = (r << 6) | (cc & 0x3f);
  }
  if (r < min || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return -1;
  *i += len;
  return r;
}

// Unicode White_Space, the set Go's unicode.IsSpace uses.
bool IsUnicodeSpace(std::int32_t r) {
  return (r >= 0x09 && r <= 0x0d) || r == 0x20 || r == 0x85 || r == 0xa0 ||
         r == 0x1680 || (r >= 0x2000 && r <= 0x200a) || r == 0x2028 ||
         r == 0x2029 || r == 0x202f || r == 0x205f || r == 0x3000;
}

// C2SP: non-empty UTF-8 with no spaces and no '+'. Control characters are
// refused too, since a note may not contain them anyway.
bool IsValidName(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size();) {
    std::int32_t r = NextRune(name, &i);
    if (r < 0x20 || r == 0x7f || r == '+' || IsUnicodeSpace(r)) return false;
  }
  return true;
}

// A note is UTF-8 text whose only control character is '\n'.
bool IsValidNoteText(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    std::int32_t r = NextRune(text, &i);
    if (r < 0 || (r < 0x20 && r != '\n')) return false;
  }
  return true;
}

std::string_view Chars(const std::uint8_t* p, std::size_t n) {
  return {reinterpret_cast<const char*>(p), n};
}

Error Malformed(std::string detail) {
  return MakeError(Code::kInvalidArgument, "malformed_note", std::move(detail));
}

}  // namespace

bool IsValidKeyName(std::string_view name) { return IsValidName(name); }

std::array<std::uint8_t, 4> NoteKeyHash(std::string_view name,
                                        const PublicKey& key,
                                        std::uint8_t alg) {
  Sha256Hasher h;
  h.Update(name);
  const char sep[2] = {'\n', static_cast<char>(alg)};
  h.Update(std::string_view(sep, 2));
  h.Update(AsBytes(key));
  Hash full = h.Final();
  return {full[0], full[1], full[2], full[3]};
}

std::string NoteKeyString(std::string_view name, const PublicKey& key,
                          std::uint8_t alg) {
  auto hash = NoteKeyHash(name, key, alg);
  std::string alg_key(1, static_cast<char>(alg));
  alg_key.append(AsBytes(key));
  std::string out(name);
  out.append("+").append(HexEncode(Chars(hash.data(), hash.size())));
  out.append("+").append(Base64Encode(alg_key));
  return out;
}

Result<NoteVerifier> ParseNoteKey(std::string_view text, std::uint8_t alg,
                                  std::string_view what) {
  auto bad = [&](std::string detail) {
    return MakeError(Code::kInvalidArgument, "invalid_key",
                     std::string(what) + ": " + detail);
  };
  // The base64 part may itself hold '+', so split at the first two only.
  std::size_t p1 = text.find('+');
  std::size_t p2 = p1 == text.npos ? text.npos : text.find('+', p1 + 1);
  if (p2 == text.npos) return bad("expected name+hash+key");
  NoteVerifier v;
  v.name = std::string(text.substr(0, p1));
  if (!IsValidName(v.name)) return bad("invalid key name");
  auto hash = HexDecode(text.substr(p1 + 1, p2 - p1 - 1));
  if (!hash || hash->size() != 4) {
    return bad("key hash is not 8 lowercase hex digits");
  }
  auto raw = Base64Decode(text.substr(p2 + 1));
  if (!raw || raw->size() != 33 ||
      static_cast<std::uint8_t>((*raw)[0]) != alg) {
    char type[8];
    std::snprintf(type, sizeof type, "0x%02x", alg);
    return bad(std::string("key is not base64 of ") + type +
               " and a 32-byte Ed25519 key");
  }
  std::memcpy(v.public_key.data(), raw->data() + 1, 32);
  if (!IsAcceptablePublicKey(v.public_key)) {
    return bad("not an acceptable Ed25519 public key");
  }
  v.key_hash = NoteKeyHash(v.name, v.public_key, alg);
  if (std::memcmp(v.key_hash.data(), hash->data(), 4) != 0) {
    return bad("key hash does not match name and key");
  }
  return v;
}

std::string VerifierKeyString(std::string_view name, const PublicKey& key) {
  return NoteKeyString(name, key, kNoteAlgEd25519);
}

Result<NoteVerifier> ParseVerifierKey(std::string_view text) {
  return ParseNoteKey(text, kNoteAlgEd25519, "verifier key");
}

std::string SignNote(std::string_view body, std::string_view name,
                     const PrivateKey& key) {
  // These are the caller's own constants (origin, checkpoint text), so a
  // violation is a bug: fail loudly instead of signing a note nobody
  // could open.
  if (body.empty() || body.back() != '\n' || !IsValidNoteText(body)) {
    throw std::invalid_argument(
        "SignNote: body must be UTF-8 text ending in a newline");
  }
  if (!IsValidName(name)) {
    throw std::invalid_argument("SignNote: invalid key name");
  }
  auto hash = NoteKeyHash(name, key.public_key());
  Signature sig = key.Sign(body);
  std::string blob(Chars(hash.data(), hash.size()));
  blob.append(AsBytes(sig));
  std::string out(body);
  out.append("\n").append(kSigPrefix).append(name).append(" ");
  out.append(Base64Encode(blob)).append("\n");
  return out;
}

Result<std::string> OpenNote(std::string_view note,
                             const NoteVerifier& verifier) {
  if (!IsValidNoteText(note)) {
    return Malformed("note is not UTF-8 text without control characters");
  }
  // Signature lines are never empty, so the last blank line is the split.
  std::size_t split = note.rfind("\n\n");
  if (split == note.npos) return Malformed("note has no signature block");
  std::string_view body = note.substr(0, split + 1);
  std::string_view sigs = note.substr(split + 2);
  if (sigs.empty() || sigs.back() != '\n') {
    return Malformed("note does not end in a signature line");
  }
  bool verified = false;
  int count = 0;
  while (!sigs.empty()) {
    std::size_t nl = sigs.find('\n');  // found: sigs ends in '\n'
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    if (++count > kMaxSignatures) return Malformed("too many signatures");
    if (line.substr(0, kSigPrefix.size()) != kSigPrefix) {
      return Malformed("bad signature line");
    }
    line.remove_prefix(kSigPrefix.size());
    std::size_t sp = line.find(' ');
    if (sp == line.npos) return Malformed("bad signature line");
    std::string_view name = line.substr(0, sp);
    auto blob = Base64Decode(line.substr(sp + 1));
    if (!IsValidName(name) || !blob || blob->size() < 5) {
      return Malformed("bad signature line");
    }
    // Lines for other keys (witnesses, other algorithms) are not ours to
    // judge.
    if (name != verifier.name ||
        std::memcmp(blob->data(), verifier.key_hash.data(), 4) != 0) {
      continue;
    }
    // A bad signature claiming to be from our key is refused outright,
    // even if another line by the same key checks out.
    if (!Ed25519Verify(verifier.public_key, body,
                       std::string_view(*blob).substr(4))) {
      return MakeError(Code::kUnauthenticated, "bad_signature",
                       "invalid note signature by " + verifier.name);
    }
    verified = true;
  }
  if (!verified) {
    return MakeError(Code::kUnauthenticated, "bad_signature",
                     "note has no signature by " + verifier.name);
  }
  return std::string(body);
}

}  // namespace fl
