// Read tokens (API.md): bearer secrets with a role and a division scope.
// Only SHA-256(token) is stored, one JSON line per token in a file next to
// the ledger (not in RocksDB, so `token create` works while a server holds
// the database lock). The server re-reads the file when it changes.
#pragma once

#include <ctime>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "crypto/status.h"

namespace fl {

struct TokenInfo {
  std::string role;    // auditor, finance or agency
  std::string scope;   // division code the token may see within
  std::string agency;  // for role agency: the agency whose entries it sees
};

// DIR/tokens.jsonl: where `token create --data DIR` and `serve --data DIR`
// meet by default.
std::string DefaultTokensFile(const std::string& data_dir);

// Validates, makes a random token, appends its hash to `file` (created
// 0600) and returns the token. Only this return value ever holds it.
Result<std::string> CreateToken(const std::string& file, const TokenInfo& info);

class TokenStore {
 public:
  explicit TokenStore(std::string file) : file_(std::move(file)) {}
  // Thread-safe; reloads the file first when its mtime or size changed.
  std::optional<TokenInfo> Lookup(std::string_view token);

 private:
  void ReloadIfChanged();  // with mu_ held

  std::string file_;
  std::mutex mu_;
  std::timespec mtime_{};
  long long size_ = -1;
  unsigned long long inode_ = 0;
  std::unordered_map<std::string, TokenInfo> by_hash_;  // hex SHA-256
};

}  // namespace fl
