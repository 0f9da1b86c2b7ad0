#include "ledger/witness.h"

#include <charconv>
#include <cstring>
#include <filesystem>

#include "crypto/cosignature.h"
#include "crypto/encoding.h"
#include "crypto/key_file.h"
#include "ledger/checkpoint.h"
#include "ledger/proofs.h"
#include "ledger/witness_store.h"

namespace fl {
namespace {

// tlog-witness: "The client MUST NOT send more than 63 consistency proof
// lines."
constexpr std::size_t kMaxProofLines = 63;
constexpr std::string_view kKeyFile = "/witness.pem";

Error Refuse(Code code, std::string reason, std::string detail) {
  return MakeError(code, std::move(reason), std::move(detail));
}
Error Malformed(std::string detail) {
  return Refuse(Code::kInvalidArgument, "malformed_request", std::move(detail));
}
Error Inconsistent(std::string detail) {
  return Refuse(Code::kFailedPrecondition, "inconsistent_checkpoint",
                std::move(detail));
}

bool ParseDecimal(std::string_view s, std::uint64_t* out) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

struct Request {
  std::uint64_t old_size = 0;
  std::vector<Hash> proof;
  std::string_view checkpoint;
};

Result<Request> ParseRequest(std::string_view body) {
  Request r;
  std::size_t nl = body.find('\n');
  if (nl == body.npos || !body.starts_with("old ") ||
      !ParseDecimal(body.substr(4, nl - 4), &r.old_size)) {
    return Malformed(
        "the first line must be 'old <size>' (decimal, no "
        "leading zeros)");
  }
  body.remove_prefix(nl + 1);
  while (true) {
    nl = body.find('\n');
    if (nl == body.npos) {
      return Malformed("an empty line must follow the proof lines");
    }
    std::string_view line = body.substr(0, nl);
    body.remove_prefix(nl + 1);
    if (line.empty()) break;
    if (r.proof.size() == kMaxProofLines) {
      return Malformed("more than 63 consistency proof lines");
    }
    auto raw = Base64Decode(line);
    if (!raw || raw->size() != 32) {
      return Malformed("proof lines must be base64 of 32-byte hashes");
    }
    Hash h;
    std::memcpy(h.data(), raw->data(), 32);
    r.proof.push_back(h);
  }
  if (body.empty()) return Malformed("the checkpoint is missing");
  r.checkpoint = body;
  return r;
}

}  // namespace

std::string OriginHash(std::string_view origin) {
  return HexEncode(AsBytes(Sha256(origin)));
}

Witness::Witness(std::unique_ptr<WitnessStore> store, std::string name,
                 PrivateKey key, std::vector<NoteVerifier> logs)
    : store_(std::move(store)),
      name_(std::move(name)),
      key_(key),
      logs_(std::move(logs)) {}
Witness::~Witness() = default;

Result<std::string> Witness::Init(const std::string& dir,
                                  const std::string& name) {
  if (!IsValidKeyName(name)) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "witness name must be non-empty with no spaces or '+'");
  }
  std::error_code ec;
  if (std::filesystem::exists(dir + std::string(kKeyFile), ec)) {
    return MakeError(Code::kConflict, "already_exists",
                     dir + " already holds a witness");
  }
  std::filesystem::create_directories(dir, ec);
  if (ec) return Internal("create " + dir + ": " + ec.message());
  PrivateKey key = PrivateKey::Generate();
  auto store = WitnessStore::Open(dir);
  if (!store.ok()) return store.error();
  FL_RETURN_IF_ERROR((*store)->PutMeta("name", name));
  FL_RETURN_IF_ERROR(WritePrivateKeyFile(dir + std::string(kKeyFile), key));
  return CosignerKeyString(name, key.public_key());
}

Result<std::unique_ptr<Witness>> Witness::Open(const std::string& dir,
                                               std::vector<NoteVerifier> logs) {
  for (std::size_t i = 0; i < logs.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (logs[i].name == logs[j].name) {
        return MakeError(Code::kInvalidArgument, "invalid_key",
                         "two log keys for the origin " + logs[i].name);
      }
    }
  }
  auto key = ReadPrivateKeyFile(dir + std::string(kKeyFile));
  if (!key.ok()) return key.error();
  auto store = WitnessStore::Open(dir);
  if (!store.ok()) return store.error();
  auto name = (*store)->GetMeta("name");
  if (!name.ok()) return name.error();
  if (!*name) return DataLoss(dir + ": witness store has no name");
  return std::unique_ptr<Witness>(
      new Witness(std::move(*store), std::move(**name), *key, std::move(logs)));
}

std::string Witness::VerifierKey() const {
  return CosignerKeyString(name_, key_.public_key());
}

AddCheckpointAnswer Witness::AddCheckpoint(std::string_view request,
                                           std::uint64_t now) {
  AddCheckpointAnswer answer;
  auto req = ParseRequest(request);
  if (!req.ok()) {
    answer.error = req.error();
    return answer;
  }
  std::string_view note = req->checkpoint;
  std::string_view origin = note.substr(0, note.find('\n'));
  const NoteVerifier* log = nullptr;
  for (const NoteVerifier& v : logs_) {
    if (v.name == origin) log = &v;
  }
  if (log == nullptr) {
    answer.error = Refuse(
        Code::kNotFound, "unknown_log",
        "this witness does not witness the log '" + std::string(origin) + "'");
    return answer;
  }
  auto cp = OpenCheckpoint(note, *log);
  if (!cp.ok()) {
    // A note that is not a note, or a body that is not a checkpoint, is a
    // bad request; a missing or failing signature of the log is 403.
    answer.error =
        cp.error().reason == "bad_signature"
            ? Refuse(Code::kUnauthenticated, "bad_signature", cp.error().detail)
            : Malformed(cp.error().detail);
    return answer;
  }
  if (req->old_size > cp->size) {
    answer.error =
        Malformed("old size " + std::to_string(req->old_size) +
                  " is past the checkpoint's size " + std::to_string(cp->size));
    return answer;
  }
  if (cp->size == 0 && cp->root != EmptyRoot()) {
    answer.error = Inconsistent(
        "a checkpoint of size 0 must have the empty "
        "tree's root");
    return answer;
  }
  auto body = NoteBody(note);
  if (!body.ok()) {
    answer.error = Malformed(body.error().detail);
    return answer;
  }
  const std::string key = OriginHash(cp->origin);

  std::lock_guard lock(mu_);
  auto stored = store_->Get(key);
  if (!stored.ok()) {
    answer.error = stored.error();
    return answer;
  }
  const std::uint64_t known = *stored ? (*stored)->size : 0;
  if (req->old_size != known) {
    answer.error = Refuse(Code::kConflict, "old_size_mismatch",
                          "old size " + std::to_string(req->old_size) +
                              " is not the size this witness last cosigned, " +
                              std::to_string(known));
    answer.known_size = known;
    return answer;
  }
  if (req->old_size == 0) {
    if (!req->proof.empty()) {
      answer.error = Inconsistent("a proof from size 0 must be empty");
      return answer;
    }
  } else if (!VerifyConsistency(req->old_size, cp->size, (*stored)->root,
                                cp->root, req->proof)) {
    answer.error =
        Inconsistent(req->old_size == cp->size
                         ? "same size, different root: the log forked"
                         : "the consistency proof from size " +
                               std::to_string(req->old_size) +
                               " does not verify: the log forked or the "
                               "proof is wrong");
    return answer;
  }
  answer.cosignature = CosignatureLine(*body, name_, key_, now);
  WitnessedLog next{cp->size, cp->root, std::string(note) + answer.cosignature};
  if (Status s = store_->Put(key, next); !s.ok()) {
    answer.error = s.error();
    answer.cosignature.clear();
  }
  return answer;
}

Result<std::optional<WitnessLogState>> Witness::Latest(
    std::string_view origin_hash) const {
  auto stored = store_->Get(origin_hash);
  if (!stored.ok()) return stored.error();
  if (!*stored) return std::optional<WitnessLogState>();
  WitnessLogState s;
  s.checkpoint = (*stored)->checkpoint;
  s.origin = s.checkpoint.substr(0, s.checkpoint.find('\n'));
  s.size = (*stored)->size;
  s.root = (*stored)->root;
  return std::optional<WitnessLogState>(std::move(s));
}

}  // namespace fl
