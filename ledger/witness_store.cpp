#include "ledger/witness_store.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <cstring>

#include "ledger/rocks_codec.h"

namespace fl {
namespace {

std::string LogKey(std::string_view origin_hash) {
  return "log/" + std::string(origin_hash);
}
std::string MetaKey(std::string_view key) { return "meta/" + std::string(key); }

}  // namespace

WitnessStore::WitnessStore(rocksdb::DB* db) : db_(db) {}
WitnessStore::~WitnessStore() = default;

Result<std::unique_ptr<WitnessStore>> WitnessStore::Open(
    const std::string& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.paranoid_checks = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir + "/db", &raw);
  if (!s.ok()) return FromRocks(s, "open witness store");
  return std::unique_ptr<WitnessStore>(new WitnessStore(raw));
}

Result<std::optional<WitnessedLog>> WitnessStore::Get(
    std::string_view origin_hash) const {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), LogKey(origin_hash), &value);
  if (s.IsNotFound()) return std::optional<WitnessedLog>();
  if (!s.ok()) return FromRocks(s, "read witness state");
  if (value.size() < 8 + 32) return DataLoss("witness state row too short");
  WitnessedLog log;
  log.size = DecodeSeq(value);
  std::memcpy(log.root.data(), value.data() + 8, 32);
  log.checkpoint = value.substr(40);
  return std::optional<WitnessedLog>(std::move(log));
}

Status WitnessStore::Put(std::string_view origin_hash,
                         const WitnessedLog& log) {
  std::string value = EncodeSeq(log.size);
  value.append(AsBytes(log.root));
  value.append(log.checkpoint);
  rocksdb::WriteOptions wo;
  wo.sync = true;  // tlog-witness: persisted before the answer
  return CheckRocks(db_->Put(wo, LogKey(origin_hash), value),
                    "write witness state");
}

Result<std::optional<std::string>> WitnessStore::GetMeta(
    std::string_view key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), MetaKey(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "read witness meta");
  return std::optional<std::string>(std::move(value));
}

Status WitnessStore::PutMeta(std::string_view key, std::string_view value) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return CheckRocks(
      db_->Put(wo, MetaKey(key), rocksdb::Slice(value.data(), value.size())),
      "write witness meta");
}

}  // namespace fl
