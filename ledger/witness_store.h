// A witness's own RocksDB (c2sp.org/tlog-witness): per log origin, the
// size and root of the newest checkpoint it cosigned and that checkpoint's
// text. Private to ledger/ (witness.h is the public face).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/sha256.h"
#include "crypto/status.h"

namespace rocksdb {
class DB;
}

namespace fl {

struct WitnessedLog {
  std::uint64_t size = 0;
  Hash root{};
  // The checkpoint as submitted plus this witness's cosignature line.
  std::string checkpoint;
};

class WitnessStore {
 public:
  // DIR/db, created when missing.
  static Result<std::unique_ptr<WitnessStore>> Open(const std::string& dir);
  ~WitnessStore();
  WitnessStore(const WitnessStore&) = delete;
  WitnessStore& operator=(const WitnessStore&) = delete;

  // Rows are keyed by the lowercase hex SHA-256 of the origin, the name
  // tlog-witness's monitoring path uses.
  Result<std::optional<WitnessedLog>> Get(std::string_view origin_hash) const;
  // Synced before it returns.
  Status Put(std::string_view origin_hash, const WitnessedLog& log);
  Result<std::optional<std::string>> GetMeta(std::string_view key) const;
  Status PutMeta(std::string_view key, std::string_view value);

 private:
  explicit WitnessStore(rocksdb::DB* db);
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace fl
