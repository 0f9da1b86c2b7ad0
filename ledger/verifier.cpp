#include "ledger/verifier.h"

#include <cstring>
#include <map>
#include <memory>
#include <vector>

#include "crypto/encoding.h"
#include "crypto/key_file.h"
#include "crypto/signed_note.h"
#include "ledger/canonical_json.h"
#include "ledger/checkpoint.h"
#include "ledger/entry.h"
#include "ledger/merkle.h"
#include "ledger/store.h"

namespace fl {
namespace {

// Agency keys as the log defines them, replayed in seq order, for
// `--signatures`: the key must belong to the agency and not be revoked at
// a lower seq.
struct KeyState {
  std::string agency;
  PublicKey key{};
  std::uint64_t revoked_at = UINT64_MAX;
};

// True when `hex` is the lowercase hex of `h`, without allocating.
bool HexEquals(std::string_view hex, const Hash& h) {
  static const char kDigits[] = "0123456789abcdef";
  if (hex.size() != 64) return false;
  for (std::size_t i = 0; i < 32; ++i) {
    if (hex[2 * i] != kDigits[h[i] >> 4] ||
        hex[2 * i + 1] != kDigits[h[i] & 15]) {
      return false;
    }
  }
  return true;
}

class Verifier {
 public:
  Verifier(const Store& store, const VerifyOptions& options,
           NoteVerifier note_key)
      : store_(store), options_(options), note_key_(std::move(note_key)) {}

  VerifyReport Run();

 private:
  bool Fail(std::uint64_t seq, const std::string& why) {
    report_.bad_seq = seq;
    report_.problem = "seq " + std::to_string(seq) + ": " + why;
    return false;
  }
  bool CheckEntry(std::uint64_t seq, std::string_view bytes);
  bool CheckLatest(std::uint64_t size);
  bool CheckSignature(std::uint64_t seq, std::string_view bytes,
                      const EntryView& view);
  bool CheckNode(std::uint64_t seq, unsigned level, std::uint64_t index,
                 const Hash& h);

  const Store& store_;
  const VerifyOptions& options_;
  NoteVerifier note_key_;
  VerifyReport report_;
  CompactRange range_;
  Hash prev_{};
  // One iterator per tree level: stored nodes are compared in key order
  // as the recomputed tree emits them, so no node is held in memory.
  std::vector<std::unique_ptr<rocksdb::Iterator>> levels_;
  std::map<std::string, KeyState> keys_;
};

bool Verifier::CheckNode(std::uint64_t seq, unsigned level, std::uint64_t index,
                         const Hash& h) {
  if (levels_.size() <= level) levels_.resize(level + 1);
  auto& it = levels_[level];
  std::string key = TreeKey(level, index);
  if (!it) {
    it = store_.NewScanIterator(Store::kTree);
    it->Seek(key);
  } else {
    it->Next();
  }
  ++report_.tree_nodes;
  if (!it->Valid() || it->key().ToStringView() != key) {
    return Fail(seq, "stored tree node " + std::to_string(level) + "/" +
                         std::to_string(index) + " is missing");
  }
  if (it->value().size() != 32 ||
      std::memcmp(it->value().data(), h.data(), 32) != 0) {
    return Fail(seq, level == 0 ? "entry bytes do not match the stored leaf "
                                  "hash (the entry was changed)"
                                : "stored tree node " + std::to_string(level) +
                                      "/" + std::to_string(index) +
                                      " does not match the entries");
  }
  return true;
}

bool Verifier::CheckSignature(std::uint64_t seq, std::string_view bytes,
                              const EntryView& view) {
  JsonLimits limits;
  limits.max_depth = 33;
  limits.max_bytes = 65535;
  auto entry = ParseStrict(bytes, limits);
  if (!entry.ok())
    return Fail(seq, "entry is not strict JSON: " + entry.error().detail);
  if (Canonicalize(*entry) != bytes) {
    return Fail(seq, "entry is not in canonical (JCS) form");
  }
  const Json& event = (*entry)["event"];
  const Json& sig = (*entry)["signature"];
  if (!event.is_object() || !sig.is_object() || !sig.contains("key_id") ||
      !sig.contains("sig") || !sig["key_id"].is_string() ||
      !sig["sig"].is_string() || !event.contains("data") ||
      !event["data"].is_object()) {
    return Fail(seq, "entry lacks event or signature fields");
  }
  std::string key_id = sig["key_id"].get<std::string>();
  std::string agency = event.value("agency", "");
  std::string type = event.value("type", "");
  const Json& data = event["data"];
  auto decode_key = [](const Json& d, PublicKey* out) {
    auto raw = Base64Decode(d.value("public_key", ""));
    if (!raw || raw->size() != 32) return false;
    std::memcpy(out->data(), raw->data(), 32);
    return true;
  };
  PublicKey key{};
  if (seq == 0) {
    if (type != "agency.registered" || !decode_key(data, &key)) {
      return Fail(seq, "genesis is not the admin's agency.registered");
    }
  } else {
    auto it = keys_.find(key_id);
    if (it == keys_.end() || it->second.agency != agency) {
      return Fail(seq, "key " + key_id + " is not registered to " + agency);
    }
    if (it->second.revoked_at < seq) {
      return Fail(seq, "key " + key_id + " was revoked before this entry");
    }
    key = it->second.key;
  }
  if (KeyId(key) != key_id) return Fail(seq, "key_id does not match the key");
  auto raw_sig = Base64Decode(sig["sig"].get<std::string>());
  if (!raw_sig || !Ed25519Verify(key, SignedMessage(view.event), *raw_sig)) {
    return Fail(seq, "signature does not verify");
  }
  // Key events take effect at their own seq.
  if (type == "agency.registered" || type == "agency.key_added") {
    PublicKey k{};
    if (decode_key(data, &k)) {
      keys_[KeyId(k)] = KeyState{data.value("agency", ""), k, UINT64_MAX};
    }
  } else if (type == "agency.key_revoked") {
    auto it = keys_.find(data.value("key_id", ""));
    if (it != keys_.end() && it->second.revoked_at == UINT64_MAX) {
      it->second.revoked_at = seq;
    }
  }
  return true;
}

bool Verifier::CheckEntry(std::uint64_t seq, std::string_view bytes) {
  auto view = ScanEntry(bytes);
  if (!view.ok()) return Fail(seq, view.error().detail);
  if (view->seq != seq) {
    return Fail(seq, "entry stored under seq " + std::to_string(seq) +
                         " says seq " + std::to_string(view->seq));
  }
  if (!HexEquals(view->prev_hex, prev_)) {
    return Fail(seq, "prev does not match the hash of entry " +
                         std::to_string(seq == 0 ? 0 : seq - 1));
  }
  if (options_.signatures && !CheckSignature(seq, bytes, *view)) return false;
  Hash leaf = LeafHash(bytes);
  bool ok = true;
  range_.Append(leaf, [&](unsigned level, std::uint64_t index, const Hash& h) {
    if (ok) ok = CheckNode(seq, level, index, h);
  });
  prev_ = leaf;
  return ok;
}

// The newest checkpoint (kept in meta) must sign exactly the whole log.
bool Verifier::CheckLatest(std::uint64_t size) {
  bool found = false;
  auto note = store_.Get(Store::kMeta, "checkpoint", &found);
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!note.ok() || !found)
    return Fail(last, "the newest checkpoint is missing");
  auto cp = OpenCheckpoint(*note, note_key_);
  if (!cp.ok()) return Fail(last, "newest checkpoint: " + cp.error().detail);
  if (cp->size != size || cp->root != range_.Root()) {
    return Fail(last, "the newest checkpoint does not match the entries");
  }
  ++report_.checkpoints;
  return true;
}

VerifyReport Verifier::Run() {
  bool found = false;
  auto size_row = store_.Get(Store::kMeta, "tree_size", &found);
  std::uint64_t size = size_row.ok() && found ? DecodeSeq(*size_row) : 0;

  auto cps = store_.NewIterator(Store::kCheckpoints);
  cps->SeekToFirst();
  auto entries = store_.NewScanIterator(Store::kEntries);
  std::uint64_t seq = 0;
  for (entries->SeekToFirst(); entries->Valid(); entries->Next(), ++seq) {
    std::uint64_t key = DecodeSeq(entries->key().ToStringView());
    if (entries->key().size() != 8 || key != seq) {
      Fail(seq,
           "entry is missing (next stored is seq " + std::to_string(key) + ")");
      return report_;
    }
    if (!CheckEntry(seq, entries->value().ToStringView())) return report_;
    ++report_.entries;
    // Checkpoints are keyed by tree size, in order: check each as the
    // recomputed tree reaches its size.
    while (cps->Valid() && DecodeSeq(cps->key().ToStringView()) == seq + 1) {
      auto cp = OpenCheckpoint(cps->value().ToStringView(), note_key_);
      if (!cp.ok()) {
        Fail(seq, "checkpoint at tree size " + std::to_string(seq + 1) + ": " +
                      cp.error().detail);
        return report_;
      }
      if (cp->size != seq + 1 || cp->root != range_.Root()) {
        Fail(seq, "checkpoint at tree size " + std::to_string(seq + 1) +
                      " does not match the entries");
        return report_;
      }
      ++report_.checkpoints;
      cps->Next();
    }
    if (options_.progress && (seq & 0xffff) == 0) options_.progress(seq, size);
  }
  if (!entries->status().ok()) {
    Fail(seq, "read error: " + entries->status().ToString());
  } else if (seq != size) {
    Fail(seq < size ? seq : size, "the log holds " + std::to_string(seq) +
                                      " entries but its tree size "
                                      "is " +
                                      std::to_string(size));
  } else if (!CheckLatest(seq)) {
    // reported by CheckLatest
  } else if (cps->Valid()) {
    Fail(seq == 0 ? 0 : seq - 1,
         "a checkpoint claims tree size " +
             std::to_string(DecodeSeq(cps->key().ToStringView())) +
             " past the log");
  }
  if (options_.progress) options_.progress(seq, size);
  return report_;
}

}  // namespace

Result<VerifyReport> VerifyLedger(const std::string& dir,
                                  const VerifyOptions& options) {
  auto key = ReadPrivateKeyFile(dir + "/ledger.pem");
  if (!key.ok()) return key.error();
  auto store = Store::Open(dir, Store::Mode::kReadOnly);
  if (!store.ok()) return store.error();
  bool found = false;
  auto name = (*store)->Get(Store::kMeta, "name", &found);
  if (!name.ok()) return name.error();
  if (!found) return Internal("not a fundledger ledger: " + dir);
  auto note_key =
      ParseVerifierKey(VerifierKeyString(OriginFor(*name), key->public_key()));
  if (!note_key.ok()) return note_key.error();
  Verifier v(**store, options, std::move(*note_key));
  return v.Run();
}

}  // namespace fl
