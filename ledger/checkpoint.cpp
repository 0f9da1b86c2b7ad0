#include "ledger/checkpoint.h"

#include <charconv>

#include "crypto/encoding.h"

namespace fl {

std::string OriginFor(std::string_view ledger_name) {
  return "fundledger/" + std::string(ledger_name);
}

std::string CheckpointBody(const Checkpoint& c) {
  return c.origin + "\n" + std::to_string(c.size) + "\n" +
         Base64Encode(AsBytes(c.root)) + "\n";
}

std::string SignCheckpoint(const Checkpoint& c, const PrivateKey& key) {
  return SignNote(CheckpointBody(c), c.origin, key);
}

Result<Checkpoint> OpenCheckpoint(std::string_view note,
                                  const NoteVerifier& verifier) {
  auto body = OpenNote(note, verifier);
  if (!body.ok()) return body.error();
  std::string_view b = *body;
  Checkpoint c;
  std::size_t nl1 = b.find('\n');
  std::size_t nl2 = nl1 == b.npos ? b.npos : b.find('\n', nl1 + 1);
  std::size_t nl3 = nl2 == b.npos ? b.npos : b.find('\n', nl2 + 1);
  // Extension lines after the root are allowed by tlog-checkpoint; we
  // write none and ignore any.
  if (nl3 == b.npos) {
    return MakeError(Code::kInvalidArgument, "bad_checkpoint",
                     "checkpoint body too short");
  }
  c.origin = std::string(b.substr(0, nl1));
  if (c.origin != verifier.name) {
    return MakeError(Code::kInvalidArgument, "bad_checkpoint",
                     "checkpoint origin mismatch");
  }
  std::string_view size = b.substr(nl1 + 1, nl2 - nl1 - 1);
  auto [p, ec] =
      std::from_chars(size.data(), size.data() + size.size(), c.size);
  if (ec != std::errc() || p != size.data() + size.size() || size.empty() ||
      (size.size() > 1 && size[0] == '0')) {
    return MakeError(Code::kInvalidArgument, "bad_checkpoint", "bad tree size");
  }
  auto root = Base64Decode(b.substr(nl2 + 1, nl3 - nl2 - 1));
  if (!root || root->size() != 32) {
    return MakeError(Code::kInvalidArgument, "bad_checkpoint", "bad root hash");
  }
  std::copy(root->begin(), root->end(), c.root.begin());
  return c;
}

}  // namespace fl
