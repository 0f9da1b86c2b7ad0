#include "ledger/store.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <vector>

namespace fl {
namespace {

const char* const kFamilyNames[Store::kFamilyCount] = {
    "default",  // rocksdb::kDefaultColumnFamilyName, as a literal: no
                // init-order trap
    "entries", "tree", "ids", "index", "checkpoints"};

rocksdb::ColumnFamilyOptions FamilyOptions(
    int family, const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  // Point lookups dominate ids/index/tree; a bloom filter saves disk reads
  // for the "is this id new?" check every append makes.
  if (family == Store::kIds || family == Store::kIndex) {
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  }
  t.block_cache = cache;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  // The append leader inserts every key of a group into the memtable, one
  // thread, and that insert was the largest part of its CPU (perf, issue
  // 10). Entries and tree nodes arrive in key order within a prefix (seq;
  // level then index; the "d/" seq rows of the index), so a per-prefix
  // insert hint makes each insert start where the last one ended instead
  // of searching the skiplist from the top. Keys shorter than the prefix
  // simply get no hint.
  if (family == Store::kEntries || family == Store::kTree) {
    o.memtable_insert_with_hint_prefix_extractor.reset(
        rocksdb::NewFixedPrefixTransform(1));
  } else if (family == Store::kIndex) {
    o.memtable_insert_with_hint_prefix_extractor.reset(
        rocksdb::NewFixedPrefixTransform(2));
  }
  // Every append asks "is this event id (or new lot, contract...) unseen?"
  // and the answer is almost always no such key: a whole-key bloom filter
  // on the memtable answers that without walking the skiplist.
  if (family == Store::kIds || family == Store::kIndex) {
    o.memtable_prefix_bloom_size_ratio = 0.02;
    o.memtable_whole_key_filtering = true;
  }
  return o;
}

}  // namespace

Error FromRocks(const rocksdb::Status& s, std::string_view what) {
  // Corruption is damaged stored data; anything else (I/O, busy) is not.
  if (s.IsCorruption()) {
    return DataLoss(std::string(what) + ": " + s.ToString());
  }
  return Internal(std::string(what) + ": " + s.ToString());
}

Status CheckRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  return FromRocks(s, what);
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, Mode mode) {
  const bool create = mode == Mode::kCreate;
  rocksdb::DBOptions options;
  options.create_if_missing = create;
  options.error_if_exists = create;
  options.create_missing_column_families = create;
  options.max_background_jobs = 2;
  auto cache = rocksdb::NewLRUCache(128 << 20);
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (int f = 0; f < kFamilyCount; ++f) {
    families.emplace_back(kFamilyNames[f], FamilyOptions(f, cache));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  // Read-only opens let `verify` run beside a live server.
  rocksdb::Status s =
      mode == Mode::kReadOnly
          ? rocksdb::DB::OpenForReadOnly(options, dir + "/db", families,
                                         &handles, &raw)
          : rocksdb::DB::Open(options, dir + "/db", families, &handles, &raw);
  if (!s.ok()) return FromRocks(s, "open " + dir);
  auto store = std::make_unique<Store>(PrivateTag{});
  store->db_.reset(raw);
  for (int f = 0; f < kFamilyCount; ++f) store->handles_[f] = handles[f];
  store->read_only_ = mode == Mode::kReadOnly;
  return store;
}

Store::~Store() {
  if (!db_) return;
  if (!read_only_) {
    // Flushing on a clean close empties the WAL, so the next open (and a
    // read-only `verify`) does not replay it into memtables.
    rocksdb::FlushOptions fo;
    std::vector<rocksdb::ColumnFamilyHandle*> all(std::begin(handles_),
                                                  std::end(handles_));
    db_->Flush(fo, all);
  }
  for (auto*& h : handles_) {
    if (h) db_->DestroyColumnFamilyHandle(h);
    h = nullptr;
  }
  db_->Close();
}

Result<std::string> Store::Get(Family f, std::string_view key,
                               bool* found) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_[f],
                               rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) {
    *found = false;
    return std::string();
  }
  if (!s.ok()) return FromRocks(s, "read");
  *found = true;
  return value;
}

namespace {

Error WriteFailed(const rocksdb::Status& s, std::string_view what) {
  // Damaged data stays data loss; anything else (I/O error, no space,
  // the DB refusing writes after one) means "the store cannot write now".
  if (s.IsCorruption()) return FromRocks(s, what);
  return MakeError(
      Code::kUnavailable, "storage_unavailable",
      "the store cannot write (" + std::string(what) + "): " + s.ToString());
}

}  // namespace

Status Store::Write(rocksdb::WriteBatch* batch, bool sync) {
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  rocksdb::Status s = db_->Write(wo, batch);
  if (!s.ok()) return WriteFailed(s, "write");
  return Status::Ok();
}

Status Store::Recover() {
  rocksdb::Status s = db_->Resume();
  if (!s.ok()) return WriteFailed(s, "resume");
  return Status::Ok();
}

Status Store::Probe() {
  FL_RETURN_IF_ERROR(Recover());
  rocksdb::WriteBatch batch;
  batch.PutLogData("fundledger probe");
  return Write(&batch, /*sync=*/true);
}

std::unique_ptr<rocksdb::Iterator> Store::NewIterator(Family f) const {
  return std::unique_ptr<rocksdb::Iterator>(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[f]));
}

std::unique_ptr<rocksdb::Iterator> Store::NewScanIterator(Family f) const {
  rocksdb::ReadOptions ro;
  // Small enough that a prefetched run is still in the core's cache when
  // the iterator parses it: with 4 MiB, verify spent ~14% copying pages
  // and re-missing them (perf). Of 4 MiB, 512, 128 and 32 KiB, 128 KiB was
  // fastest for verify, which scans the entries and 20-odd tree levels at
  // once.
  ro.readahead_size = 128 << 10;
  ro.fill_cache = false;
  ro.verify_checksums = false;
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(ro, handles_[f]));
}

std::string EncodeSeq(std::uint64_t seq) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(seq & 0xff);
    seq >>= 8;
  }
  return out;
}

std::uint64_t DecodeSeq(std::string_view bytes) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8 && i < bytes.size(); ++i) {
    v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return v;
}

std::string TreeKey(unsigned level, std::uint64_t index) {
  std::string key(1, static_cast<char>(level));
  key += EncodeSeq(index);
  return key;
}

}  // namespace fl
