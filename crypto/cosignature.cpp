#include "crypto/cosignature.h"

#include <cstring>
#include <optional>
#include <set>
#include <stdexcept>

#include "crypto/encoding.h"
#include "crypto/sha256.h"
#include "crypto/signed_note.h"

namespace fl {
namespace {

constexpr std::string_view kSigPrefix = "\xe2\x80\x94 ";  // "— "
// As for the log's own notes: bounds the work one note costs.
constexpr int kMaxSignatures = 100;
constexpr std::uint64_t kMaxTimestamp = (std::uint64_t{1} << 63) - 1;

std::string_view Chars(const std::uint8_t* p, std::size_t n) {
  return {reinterpret_cast<const char*>(p), n};
}

Error Malformed(std::string detail) {
  return MakeError(Code::kInvalidArgument, "malformed_note", std::move(detail));
}

std::string Be64(std::uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
  }
  return out;
}

std::uint64_t FromBe64(std::string_view b) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<std::uint8_t>(b[i]);
  return v;
}

}  // namespace

std::array<std::uint8_t, 4> CosignerKeyId(std::string_view name,
                                          const PublicKey& key) {
  return NoteKeyHash(name, key, kNoteAlgCosignatureV1);
}

std::string CosignerKeyString(std::string_view name, const PublicKey& key) {
  return NoteKeyString(name, key, kNoteAlgCosignatureV1);
}

Result<Cosigner> ParseCosignerKey(std::string_view text) {
  auto key = ParseNoteKey(text, kNoteAlgCosignatureV1,
                          "witness key (a cosignature/v1 vkey)");
  if (!key.ok()) return key.error();
  return Cosigner{std::move(key->name), key->key_hash, key->public_key};
}

Result<std::vector<Cosigner>> ParseCosignerKeys(std::string_view list) {
  std::vector<Cosigner> out;
  std::set<std::string> names;
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    auto one = ParseCosignerKey(list.substr(0, comma));
    if (!one.ok()) return one.error();
    if (!names.insert(one->name).second) {
      return MakeError(Code::kInvalidArgument, "invalid_key",
                       "witness " + one->name + " is listed twice");
    }
    out.push_back(std::move(*one));
    if (comma == list.npos) break;
    list.remove_prefix(comma + 1);
    if (list.empty()) {
      return MakeError(Code::kInvalidArgument, "invalid_key",
                       "empty witness key after ','");
    }
  }
  return out;
}

std::string CosignedMessage(std::string_view body, std::uint64_t timestamp) {
  std::string msg = "cosignature/v1\ntime " + std::to_string(timestamp) + "\n";
  msg.append(body);
  return msg;
}

std::string CosignatureLine(std::string_view body, std::string_view name,
                            const PrivateKey& key, std::uint64_t timestamp) {
  // The caller's own constants: a violation is a bug, fail loudly.
  if (body.empty() || body.back() != '\n' || timestamp > kMaxTimestamp ||
      !IsValidKeyName(name)) {
    throw std::invalid_argument("CosignatureLine: bad body, name or time");
  }
  auto id = CosignerKeyId(name, key.public_key());
  Signature sig = key.Sign(CosignedMessage(body, timestamp));
  std::string blob(Chars(id.data(), id.size()));
  blob.append(Be64(timestamp));
  blob.append(AsBytes(sig));
  std::string out(kSigPrefix);
  out.append(name).append(" ").append(Base64Encode(blob)).append("\n");
  return out;
}

Result<std::string> NoteBody(std::string_view note) {
  // Signature lines are never empty, so the last blank line is the split.
  std::size_t split = note.rfind("\n\n");
  if (split == note.npos) return Malformed("note has no signature block");
  return std::string(note.substr(0, split + 1));
}

Result<std::vector<VerifiedCosignature>> VerifyCosignatures(
    std::string_view note, const std::vector<Cosigner>& cosigners) {
  auto body = NoteBody(note);
  if (!body.ok()) return body.error();
  std::string_view sigs = note.substr(body->size() + 1);
  if (sigs.empty() || sigs.back() != '\n') {
    return Malformed("note does not end in a signature line");
  }
  std::vector<std::optional<std::uint64_t>> found(cosigners.size());
  int count = 0;
  while (!sigs.empty()) {
    std::size_t nl = sigs.find('\n');  // found: sigs ends in '\n'
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    if (++count > kMaxSignatures) return Malformed("too many signatures");
    if (!line.starts_with(kSigPrefix)) return Malformed("bad signature line");
    line.remove_prefix(kSigPrefix.size());
    std::size_t sp = line.find(' ');
    if (sp == line.npos) return Malformed("bad signature line");
    std::string_view name = line.substr(0, sp);
    auto blob = Base64Decode(line.substr(sp + 1));
    if (!IsValidKeyName(name) || !blob || blob->size() < 5) {
      return Malformed("bad signature line");
    }
    for (std::size_t i = 0; i < cosigners.size(); ++i) {
      const Cosigner& c = cosigners[i];
      if (name != c.name ||
          std::memcmp(blob->data(), c.key_id.data(), 4) != 0) {
        continue;
      }
      std::string_view b(*blob);
      std::uint64_t ts = b.size() == 4 + 8 + 64 ? FromBe64(b.substr(4)) : 0;
      if (b.size() != 4 + 8 + 64 || ts > kMaxTimestamp ||
          !Ed25519Verify(c.public_key, CosignedMessage(*body, ts),
                         b.substr(12))) {
        return MakeError(Code::kUnauthenticated, "bad_cosignature",
                         "invalid cosignature by witness " + c.name);
      }
      if (!found[i]) found[i] = ts;
    }
  }
  std::vector<VerifiedCosignature> out;
  for (std::size_t i = 0; i < cosigners.size(); ++i) {
    if (found[i]) out.push_back({cosigners[i].name, *found[i]});
  }
  return out;
}

Status CheckQuorum(std::string_view note,
                   const std::vector<Cosigner>& cosigners, std::size_t quorum) {
  auto valid = VerifyCosignatures(note, cosigners);
  if (!valid.ok()) return valid.error();
  if (valid->size() >= quorum) return Status::Ok();
  std::string have, missing;
  for (const Cosigner& c : cosigners) {
    bool signed_it = false;
    for (const auto& v : *valid) signed_it = signed_it || v.name == c.name;
    std::string& list = signed_it ? have : missing;
    list += (list.empty() ? "" : ", ") + c.name;
  }
  return MakeError(
      Code::kFailedPrecondition, "quorum_not_met",
      "the checkpoint has " + std::to_string(valid->size()) +
          " valid cosignature(s) of the " + std::to_string(quorum) +
          " required (cosigned by: " + (have.empty() ? "none" : have) +
          "; missing: " + (missing.empty() ? "none" : missing) + ")");
}

}  // namespace fl
