// The few RocksDB helpers both stores need (the log's and the
// projections'): big-endian seq keys and RocksDB status -> Error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/status.h"

namespace rocksdb {
class Status;
}

namespace fl {

std::string EncodeSeq(std::uint64_t seq);  // 8 bytes big-endian
// The first 8 bytes (fewer if shorter) as a big-endian number.
std::uint64_t DecodeSeq(std::string_view bytes);

// A failed RocksDB call as an Error; `what` names the operation.
Error FromRocks(const rocksdb::Status& s, std::string_view what);
// Ok when `s` is, else FromRocks.
Status CheckRocks(const rocksdb::Status& s, std::string_view what);

}  // namespace fl
