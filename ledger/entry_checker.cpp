#include "ledger/entry_checker.h"

#include <cstring>

#include "crypto/encoding.h"
#include "ledger/canonical_json.h"
#include "ledger/canonical_scan.h"
#include "ledger/entry.h"
#include "ledger/limits.h"
#include "ledger/merkle.h"

namespace fl {
namespace {

Error Bad(std::string_view code, std::string detail) {
  return MakeError(Code::kDataLoss, std::string(code), std::move(detail));
}

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

// A string member of canonical object text; "" when missing or not a
// string.
std::string Str(std::string_view object, std::string_view key) {
  auto value = CanonicalMember(object, key);
  if (!value) return "";
  auto s = CanonicalString(*value);
  return s ? std::move(*s) : "";
}
bool IsObject(std::optional<std::string_view> value) {
  return value && !value->empty() && value->front() == '{';
}

bool DecodeKey(std::string_view data, PublicKey* out) {
  auto raw = Base64Decode(Str(data, "public_key"));
  if (!raw || raw->size() != out->size()) return false;
  std::memcpy(out->data(), raw->data(), out->size());
  return true;
}

}  // namespace

Status RunDeferredCheck(const DeferredCheck& c) {
  if (!Ed25519Verify(c.key, c.message, c.sig)) {
    return Bad("bad_signature", "signature does not verify");
  }
  return Status::Ok();
}

Result<Hash> EntryChecker::Check(std::string_view entry) {
  const std::uint64_t seq = next_seq_;
  auto view = ScanEntry(entry);
  if (!view.ok()) return view.error();
  if (view->seq != seq) {
    return Bad("seq_mismatch", "expected seq " + std::to_string(seq) +
                                   ", the entry says seq " +
                                   std::to_string(view->seq));
  }
  if (!HexEquals(view->prev_hex, prev_)) {
    return Bad(kPrevMismatch,
               seq == 0 ? std::string("prev of the first entry is not 64 zeros")
                        : "prev does not match the hash of entry " +
                              std::to_string(seq - 1));
  }
  if (signatures_) FL_RETURN_IF_ERROR(CheckSignature(entry, *view));
  prev_ = LeafHash(entry);
  ++next_seq_;
  return prev_;
}

Status EntryChecker::CheckSignature(std::string_view bytes,
                                    const EntryView& view) {
  const std::string_view event_text = view.event;
  const std::uint64_t seq = next_seq_;
  JsonLimits json_limits;
  json_limits.max_depth = limits::kMaxEntryDepth;
  json_limits.max_bytes = limits::kMaxEntryBytes;
  if (!IsCanonicalJson(bytes, json_limits)) {
    // Rare: the parser names what is wrong.
    auto entry = ParseStrict(bytes, json_limits);
    if (!entry.ok()) {
      return Bad("not_canonical",
                 "entry is not strict JSON: " + entry.error().detail);
    }
    return Bad("not_canonical", "entry is not in canonical (JCS) form");
  }
  // ScanEntry found the two objects; the text is canonical, so they are
  // what a parser would find.
  const std::optional<std::string_view> event = view.event;
  const std::optional<std::string_view> sig = view.signature;
  const auto data_member =
      IsObject(event) ? CanonicalMember(*event, "data") : std::nullopt;
  if (!IsObject(event) || !IsObject(sig) || !IsObject(data_member) ||
      Str(*sig, "alg") != "Ed25519") {
    return Bad("corrupt_entry", "entry lacks event or signature fields");
  }
  const std::string key_id = Str(*sig, "key_id");
  const std::string agency = Str(*event, "agency");
  const std::string type = Str(*event, "type");
  const std::string_view data = *data_member;
  PublicKey key{};
  if (seq == 0) {
    if (type != "agency.registered" || Str(data, "kind") != "admin" ||
        Str(data, "agency") != agency || !DecodeKey(data, &key)) {
      return Bad("unknown_key", "genesis is not the admin's agency.registered");
    }
  } else {
    auto it = keys_.find(key_id);
    if (it == keys_.end() || it->second.agency != agency) {
      return Bad("unknown_key",
                 "key " + key_id + " is not registered to " + agency);
    }
    if (it->second.revoked_at < seq) {
      return Bad("key_revoked", "key " + key_id + " was revoked at seq " +
                                    std::to_string(it->second.revoked_at));
    }
    key = it->second.key;
  }
  if (KeyId(key) != key_id) {
    return Bad("unknown_key", "key_id does not match the key");
  }
  auto raw_sig = Base64Decode(Str(*sig, "sig"));
  if (!raw_sig) return Bad("bad_signature", "signature does not verify");
  if (!defer_ &&
      !Ed25519Verify(key, SignedMessage(origin_, event_text), *raw_sig)) {
    return Bad("bad_signature", "signature does not verify");
  }
  // Key events take effect at their own seq, as the append checks apply
  // them: a key is registered once, and only its agency revokes it.
  if (type == "agency.registered" || type == "agency.key_added") {
    PublicKey k{};
    if (!DecodeKey(data, &k)) {
      return Bad("bad_key_event", "data.public_key is not a 32-byte key");
    }
    if (!keys_.emplace(KeyId(k), KeyState{Str(data, "agency"), k, UINT64_MAX})
             .second) {
      return Bad("bad_key_event", "key " + KeyId(k) + " is registered twice");
    }
  } else if (type == "agency.key_revoked") {
    auto it = keys_.find(Str(data, "key_id"));
    if (it == keys_.end() || it->second.agency != Str(data, "agency")) {
      return Bad("bad_key_event", "revokes key " + Str(data, "key_id") +
                                      ", not registered to " +
                                      Str(data, "agency"));
    }
    if (it->second.revoked_at == UINT64_MAX) it->second.revoked_at = seq;
  }
  if (defer_) {
    defer_(DeferredCheck{seq, key, SignedMessage(origin_, event_text),
                         std::move(*raw_sig)});
  }
  return Status::Ok();
}

}  // namespace fl
