#include "api/http/tokens.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "crypto/encoding.h"
#include "crypto/sha256.h"
#include "ledger/canonical_json.h"
#include "ledger/division.h"
#include "ledger/entry.h"

namespace fl {
namespace {

constexpr std::string_view kTokenPrefix = "flt_";

std::string HashHex(std::string_view token) {
  return HexEncode(AsBytes(Sha256(token)));
}

Result<std::string> RandomBytes(std::size_t n) {
  std::string out(n, '\0');
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = ::getrandom(out.data() + got, n - got, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      return Internal(std::string("getrandom: ") + std::strerror(errno));
    }
    got += static_cast<std::size_t>(r);
  }
  return out;
}

Status ValidateInfo(const TokenInfo& info) {
  if (info.role != "auditor" && info.role != "finance" &&
      info.role != "agency") {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "role must be auditor, finance or agency");
  }
  if (!IsDivisionCode(info.scope)) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "scope must be a division code (6, 9 or 12 digits)");
  }
  if (info.role == "agency" && info.agency.empty()) {
    return MakeError(Code::kInvalidArgument, "missing_field",
                     "role agency needs --agency");
  }
  if (info.role != "agency" && !info.agency.empty()) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "--agency is for role agency only");
  }
  return Status::Ok();
}

}  // namespace

std::string DefaultTokensFile(const std::string& data_dir) {
  return data_dir + "/tokens.jsonl";
}

Result<std::string> CreateToken(const std::string& file,
                                const TokenInfo& info) {
  FL_RETURN_IF_ERROR(ValidateInfo(info));
  auto random = RandomBytes(32);
  if (!random.ok()) return random.error();
  std::string token = std::string(kTokenPrefix) + HexEncode(*random);
  Json record = {{"sha256", HashHex(token)},
                 {"role", info.role},
                 {"scope", info.scope},
                 {"created_at", NowTimestamp()}};
  if (!info.agency.empty()) record["agency"] = info.agency;
  std::string line = Canonicalize(record) + "\n";
  // One write(2) with O_APPEND: a reader never sees half a line followed
  // by another writer's bytes.
  int fd =
      ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Internal("cannot open " + file + ": " + std::strerror(errno));
  }
  ssize_t n = ::write(fd, line.data(), line.size());
  int write_errno = errno;
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (n != static_cast<ssize_t>(line.size()) || !synced) {
    return Internal("cannot write " + file + ": " + std::strerror(write_errno));
  }
  return token;
}

void TokenStore::ReloadIfChanged() {
  struct stat st {};
  if (::stat(file_.c_str(), &st) != 0) {
    by_hash_.clear();
    size_ = -1;
    return;
  }
  if (st.st_size == size_ && st.st_ino == inode_ &&
      st.st_mtim.tv_sec == mtime_.tv_sec &&
      st.st_mtim.tv_nsec == mtime_.tv_nsec) {
    return;
  }
  std::ifstream in(file_);
  std::unordered_map<std::string, TokenInfo> fresh;
  std::string line;
  while (std::getline(in, line)) {
    // A line still being written (no newline yet) or damaged is skipped;
    // the next change of the file brings it in.
    if (in.eof()) break;
    auto parsed = ParseStrict(line);
    if (!parsed.ok() || !parsed->is_object()) continue;
    const Json& j = *parsed;
    auto str = [&](const char* k) {
      auto it = j.find(k);
      return it != j.end() && it->is_string() ? it->get<std::string>()
                                              : std::string();
    };
    TokenInfo info{str("role"), str("scope"), str("agency")};
    if (!ValidateInfo(info).ok()) continue;
    fresh.insert_or_assign(str("sha256"), std::move(info));
  }
  by_hash_ = std::move(fresh);
  size_ = st.st_size;
  inode_ = st.st_ino;
  mtime_ = st.st_mtim;
}

std::optional<TokenInfo> TokenStore::Lookup(std::string_view token) {
  if (token.empty()) return std::nullopt;
  std::string key = HashHex(token);
  std::lock_guard lock(mu_);
  ReloadIfChanged();
  auto it = by_hash_.find(key);
  if (it == by_hash_.end()) return std::nullopt;
  return it->second;
}

}  // namespace fl
