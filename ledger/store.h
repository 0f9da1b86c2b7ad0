// The RocksDB layout of a ledger (docs/architecture.md): one column family
// per kind of row, big-endian seq keys so iteration is seq order. Owns
// every RocksDB handle; internal to ledger/.
#pragma once

#include <rocksdb/db.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/status.h"
#include "ledger/rocks_codec.h"

namespace fl {

class Store {
 public:
  enum Family : int {
    kMeta = 0,     // "default": ledger name, keys, tree size
    kEntries,      // be64(seq) -> canonical entry bytes
    kTree,         // u8(level) be64(index) -> 32-byte complete subtree hash
    kIds,          // event id -> be64(seq) || SHA-256(JCS(envelope))
    kIndex,        // "<kind>/<id>" -> JSON record (agencies, keys, lots...)
    kCheckpoints,  // be64(tree size) -> signed checkpoint note
    kFamilyCount
  };

  struct PrivateTag {};  // only Open constructs
  explicit Store(PrivateTag) {}

  enum class Mode { kCreate, kReadWrite, kReadOnly };
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, Mode mode);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* cf(Family f) const { return handles_[f]; }

  // Point read; *found says whether the key exists.
  Result<std::string> Get(Family f, std::string_view key, bool* found) const;
  // A failed write (disk full, I/O error) is kUnavailable
  // storage_unavailable: nothing of the batch is stored, and a later
  // write may succeed (after Recover).
  Status Write(rocksdb::WriteBatch* batch, bool sync);
  // After a failed write RocksDB refuses every write until its background
  // error is cleared: tries that (a no-op when there is none).
  Status Recover();
  // A synced write that stores no row (WAL log data only): can the store
  // write again? Used by /healthz while appends are failing.
  Status Probe();
  std::unique_ptr<rocksdb::Iterator> NewIterator(Family f) const;
  // For one pass over a whole family (verify): large readahead, no block
  // cache pollution, no per-block CRC (the hash chain checks the bytes).
  std::unique_ptr<rocksdb::Iterator> NewScanIterator(Family f) const;

 private:
  std::unique_ptr<rocksdb::DB> db_;
  bool read_only_ = false;
  rocksdb::ColumnFamilyHandle* handles_[kFamilyCount] = {};
};

std::string TreeKey(unsigned level, std::uint64_t index);

}  // namespace fl
