#include "ledger/verifier.h"

#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "crypto/key_file.h"
#include "crypto/signed_note.h"
#include "ledger/checkpoint.h"
#include "ledger/entry_checker.h"
#include "ledger/merkle.h"
#include "ledger/mirror_key.h"
#include "ledger/signature_pool.h"
#include "ledger/store.h"

namespace fl {
namespace {

class Verifier {
 public:
  Verifier(const Store& store, const VerifyOptions& options,
           NoteVerifier note_key)
      : store_(store),
        options_(options),
        note_key_(std::move(note_key)),
        pool_(options.signatures ? std::make_unique<SignaturePool>(
                                       std::thread::hardware_concurrency())
                                 : nullptr),
        checker_(
            options.signatures, note_key_.name,
            pool_ ? std::function<void(DeferredCheck)>(
                        [this](DeferredCheck c) { pool_->Add(std::move(c)); })
                  : nullptr) {}

  VerifyReport Run() {
    RunInOrder();
    // A deferred signature check that failed below where the in-order
    // checks stopped is the first fault; report it as they would have.
    if (pool_) {
      if (auto f = pool_->Finish();
          f && (!report_.bad_seq || f->first <= *report_.bad_seq)) {
        report_.entries = std::min(report_.entries, f->first);
        Fail(f->first, f->second.detail);
      }
    }
    return report_;
  }

 private:
  bool Fail(std::uint64_t seq, const std::string& why) {
    report_.bad_seq = seq;
    report_.problem = "seq " + std::to_string(seq) + ": " + why;
    return false;
  }
  void RunInOrder();
  bool CheckEntry(std::uint64_t seq, std::string_view bytes);
  bool CheckLatest(std::uint64_t size);
  bool CheckNode(std::uint64_t seq, unsigned level, std::uint64_t index,
                 const Hash& h);

  const Store& store_;
  const VerifyOptions& options_;
  NoteVerifier note_key_;
  VerifyReport report_;
  std::unique_ptr<SignaturePool> pool_;  // with signatures only
  EntryChecker checker_;
  CompactRange range_;
  // One iterator per tree level: stored nodes are compared in key order
  // as the recomputed tree emits them, so no node is held in memory.
  std::vector<std::unique_ptr<rocksdb::Iterator>> levels_;
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

bool Verifier::CheckEntry(std::uint64_t seq, std::string_view bytes) {
  auto leaf = checker_.Check(bytes);
  if (!leaf.ok()) return Fail(seq, leaf.error().detail);
  bool ok = true;
  range_.Append(*leaf, [&](unsigned level, std::uint64_t index, const Hash& h) {
    if (ok) ok = CheckNode(seq, level, index, h);
  });
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

void Verifier::RunInOrder() {
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
      return;
    }
    if (!CheckEntry(seq, entries->value().ToStringView())) return;
    ++report_.entries;
    // Checkpoints are keyed by tree size, in order: check each as the
    // recomputed tree reaches its size.
    while (cps->Valid() && DecodeSeq(cps->key().ToStringView()) == seq + 1) {
      auto cp = OpenCheckpoint(cps->value().ToStringView(), note_key_);
      if (!cp.ok()) {
        Fail(seq, "checkpoint at tree size " + std::to_string(seq + 1) + ": " +
                      cp.error().detail);
        return;
      }
      if (cp->size != seq + 1 || cp->root != range_.Root()) {
        Fail(seq, "checkpoint at tree size " + std::to_string(seq + 1) +
                      " does not match the entries");
        return;
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
}

}  // namespace

Result<VerifyReport> VerifyLedger(const std::string& dir,
                                  const VerifyOptions& options) {
  // A mirror holds the origin's verifier key instead of its private key.
  auto mirror_key = ReadMirrorKey(dir);
  if (!mirror_key.ok()) return mirror_key.error();
  PublicKey public_key{};
  if (*mirror_key) {
    public_key = (*mirror_key)->public_key;
  } else {
    auto key = ReadPrivateKeyFile(dir + "/ledger.pem");
    if (!key.ok()) return key.error();
    public_key = key->public_key();
  }
  auto store = Store::Open(dir, Store::Mode::kReadOnly);
  if (!store.ok()) return store.error();
  bool found = false;
  auto name = (*store)->Get(Store::kMeta, "name", &found);
  if (!name.ok()) return name.error();
  if (!found) return Internal("not a fundledger ledger: " + dir);
  auto note_key =
      ParseVerifierKey(VerifierKeyString(OriginFor(*name), public_key));
  if (!note_key.ok()) return note_key.error();
  Verifier v(**store, options, std::move(*note_key));
  return v.Run();
}

}  // namespace fl
