// `fundledger export`: the newest checkpoint and exactly its entries, read
// from a read-only open of the store, written and synced into a new
// bundle directory.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/key_file.h"
#include "crypto/signed_note.h"
#include "ledger/bundle.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "ledger/store.h"

namespace fl {
namespace {

namespace fs = std::filesystem;

Error IoError(const std::string& what, int err) {
  return MakeError(Code::kInternal, "io_error",
                   what + ": " + std::strerror(err));
}

// A file descriptor, closed on destruction.
class Fd {
 public:
  static Result<Fd> Open(const std::string& path, int flags, mode_t mode = 0) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd < 0) return IoError("cannot open " + path, errno);
    return Fd(fd, path);
  }
  Fd(Fd&& o) noexcept
      : fd_(std::exchange(o.fd_, -1)), path_(std::move(o.path_)) {}
  Fd& operator=(Fd&&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Write(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return IoError("cannot write " + path_, errno);
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return Status::Ok();
  }
  // fsync, then close.
  Status SyncAndClose() {
    if (::fsync(fd_) != 0) return IoError("cannot sync " + path_, errno);
    if (::close(std::exchange(fd_, -1)) != 0) {
      return IoError("cannot close " + path_, errno);
    }
    return Status::Ok();
  }

 private:
  Fd(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

// Removes what an export created unless it finished: no half bundle.
class Undo {
 public:
  ~Undo() {
    if (done_) return;
    std::error_code ec;
    for (const auto& f : files_) fs::remove(f, ec);
    if (!dir_.empty()) fs::remove(dir_, ec);
  }
  void AddFile(std::string path) { files_.push_back(std::move(path)); }
  void SetDir(std::string dir) { dir_ = std::move(dir); }
  void Done() { done_ = true; }

 private:
  std::vector<std::string> files_;
  std::string dir_;
  bool done_ = false;
};

Status SyncDir(const std::string& dir) {
  auto fd = Fd::Open(dir, O_RDONLY | O_DIRECTORY);
  if (!fd.ok()) return fd.error();
  return fd->SyncAndClose();
}

// The output directory may be new or empty, nothing else. True when it
// exists (empty).
Result<bool> CheckOutDir(const std::string& out) {
  std::error_code ec;
  fs::file_status st = fs::status(out, ec);
  if (ec && st.type() != fs::file_type::not_found) {
    return IoError("cannot stat " + out, ec.value());
  }
  if (st.type() == fs::file_type::not_found) return false;
  if (st.type() != fs::file_type::directory) {
    return MakeError(Code::kConflict, "out_not_empty",
                     out + " exists and is not a directory");
  }
  bool empty = fs::is_empty(out, ec);
  if (ec) return IoError("cannot read " + out, ec.value());
  if (!empty) {
    return MakeError(Code::kConflict, "out_not_empty",
                     out +
                         " exists and is not empty; export writes only "
                         "into a new or empty directory");
  }
  return true;
}

class Exporter {
 public:
  Exporter(const Store& store, const Checkpoint& cp, std::string out)
      : store_(store), cp_(cp), out_(std::move(out)) {}

  // Streams entries 0 .. size-1 into entries.jsonl, checking that they
  // hash to the checkpoint's root, so a bundle that would not verify is
  // never written.
  Result<BundleSummary> WriteEntries(Undo& undo) {
    std::string path = out_ + "/" + kBundleEntries;
    auto file = Fd::Open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (!file.ok()) return file.error();
    undo.AddFile(path);
    CompactRange range;
    const CompactRange::NodeSink no_sink = [](unsigned, std::uint64_t,
                                              const Hash&) {};
    std::string buf;
    buf.reserve(kFlushAt + 70000);
    auto it = store_.NewScanIterator(Store::kEntries);
    std::uint64_t seq = 0;
    for (it->SeekToFirst(); it->Valid() && seq < cp_.size; it->Next(), ++seq) {
      std::string_view key = it->key().ToStringView();
      std::string_view entry = it->value().ToStringView();
      if (key.size() != 8 || DecodeSeq(key) != seq) {
        return Corrupt("entry seq " + std::to_string(seq) + " is missing");
      }
      if (entry.find('\n') != std::string_view::npos) {
        return Corrupt("entry seq " + std::to_string(seq) +
                       " holds a line break");
      }
      range.Append(LeafHash(entry), no_sink);
      buf.append(entry);
      buf.push_back('\n');
      if (buf.size() >= kFlushAt) {
        FL_RETURN_IF_ERROR(file->Write(buf));
        buf.clear();
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "read entries");
    if (seq != cp_.size) {
      return Corrupt("the store holds " + std::to_string(seq) +
                     " entries, the checkpoint " + std::to_string(cp_.size));
    }
    if (range.Root() != cp_.root) {
      return Corrupt("the entries do not hash to the checkpoint's root");
    }
    FL_RETURN_IF_ERROR(file->Write(buf));
    FL_RETURN_IF_ERROR(file->SyncAndClose());
    BundleSummary summary;
    summary.entries = seq;
    summary.tree_size = cp_.size;
    summary.root = cp_.root;
    summary.origin = cp_.origin;
    return summary;
  }

  Status WriteText(Undo& undo, const char* name, std::string_view text) {
    std::string path = out_ + "/" + name;
    auto file = Fd::Open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (!file.ok()) return file.error();
    undo.AddFile(path);
    FL_RETURN_IF_ERROR(file->Write(text));
    return file->SyncAndClose();
  }

 private:
  static constexpr std::size_t kFlushAt = 1 << 20;
  static Error Corrupt(const std::string& what) {
    return MakeError(Code::kDataLoss, "corrupt_ledger",
                     what + " (run fundledger verify on the ledger)");
  }

  const Store& store_;
  const Checkpoint& cp_;
  std::string out_;
};

}  // namespace

Result<BundleSummary> ExportBundle(const std::string& data_dir,
                                   const std::string& out_dir) {
  auto exists = CheckOutDir(out_dir);
  if (!exists.ok()) return exists.error();

  // What VerifyLedger reads: the ledger key for the checkpoints' verifier
  // key, and the store opened read-only beside a possible server.
  auto key = ReadPrivateKeyFile(data_dir + "/ledger.pem");
  if (!key.ok()) return key.error();
  auto store = Store::Open(data_dir, Store::Mode::kReadOnly);
  if (!store.ok()) return store.error();
  bool found = false;
  auto name = (*store)->Get(Store::kMeta, "name", &found);
  if (!name.ok()) return name.error();
  if (!found) return Internal("not a fundledger ledger: " + data_dir);
  std::string verifier_key =
      VerifierKeyString(OriginFor(*name), key->public_key());
  auto note_key = ParseVerifierKey(verifier_key);
  if (!note_key.ok()) return note_key.error();
  auto note = (*store)->Get(Store::kMeta, "checkpoint", &found);
  if (!note.ok()) return note.error();
  if (!found) return Internal("the ledger has no checkpoint: " + data_dir);
  auto cp = OpenCheckpoint(*note, *note_key);
  if (!cp.ok()) return cp.error();

  Undo undo;
  if (!*exists) {
    std::error_code ec;
    fs::create_directories(out_dir, ec);
    if (ec) return IoError("cannot create " + out_dir, ec.value());
    undo.SetDir(out_dir);
  }
  Exporter exporter(**store, *cp, out_dir);
  auto summary = exporter.WriteEntries(undo);
  if (!summary.ok()) return summary.error();
  FL_RETURN_IF_ERROR(
      exporter.WriteText(undo, kBundlePublicKey, verifier_key + "\n"));
  // The checkpoint last: a bundle cut short by a crash has none.
  FL_RETURN_IF_ERROR(exporter.WriteText(undo, kBundleCheckpoint, *note));
  FL_RETURN_IF_ERROR(SyncDir(out_dir));
  if (!*exists) {  // the new directory's own entry
    std::error_code ec;
    fs::path dir = fs::absolute(out_dir, ec).lexically_normal();
    if (!dir.has_filename()) dir = dir.parent_path();
    if (!ec) FL_RETURN_IF_ERROR(SyncDir(dir.parent_path().string()));
  }
  undo.Done();
  return *summary;
}

}  // namespace fl
