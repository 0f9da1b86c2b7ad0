// `fundledger verify-bundle`: every line of entries.jsonl through the
// EntryChecker, the tree of their leaves against the checkpoint, the
// checkpoint against ledger.pub. No database.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>
#include <vector>

#include "crypto/encoding.h"
#include "crypto/signed_note.h"
#include "ledger/bundle.h"
#include "ledger/checkpoint.h"
#include "ledger/entry.h"
#include "ledger/entry_checker.h"
#include "ledger/limits.h"
#include "ledger/merkle.h"

namespace fl {
namespace {

using limits::kMaxEntryBytes;

Error BadBundle(std::string detail) {
  return MakeError(Code::kInvalidArgument, "bad_bundle", std::move(detail));
}

// A small text file, whole.
Result<std::string> ReadSmallFile(const std::string& path,
                                  std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return BadBundle("cannot read " + path);
  std::string text(max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return BadBundle("cannot read " + path);
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > max_bytes) {
    return BadBundle(path + " is over " + std::to_string(max_bytes) + " bytes");
  }
  return text;
}

// entries.jsonl line by line, never holding more than one entry's worth
// of a line however long it is.
class LineReader {
 public:
  enum class Got { kLine, kEnd, kTooLong, kError };

  explicit LineReader(const std::string& path)
      : in_(path, std::ios::binary), buf_(1 << 16) {}
  bool is_open() const { return in_.is_open(); }

  // The next line without its '\n' (the last line may lack one).
  Got Next(std::string* line) {
    line->clear();
    for (;;) {
      if (pos_ == end_) {
        in_.read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
        if (in_.bad()) return Got::kError;
        pos_ = 0;
        end_ = static_cast<std::size_t>(in_.gcount());
        if (end_ == 0) return line->empty() ? Got::kEnd : Got::kLine;
      }
      const char* start = buf_.data() + pos_;
      const void* nl = std::memchr(start, '\n', end_ - pos_);
      std::size_t n =
          nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - start)
             : end_ - pos_;
      if (line->size() + n > kMaxEntryBytes) return Got::kTooLong;
      line->append(start, n);
      pos_ += n;
      if (nl) {
        ++pos_;
        return Got::kLine;
      }
    }
  }

 private:
  std::ifstream in_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
};

class BundleVerifier {
 public:
  BundleVerifier(const Checkpoint& cp, LineReader& lines)
      : cp_(cp), lines_(lines) {}

  Result<BundleReport> Run();

 private:
  BundleReport Fail(std::uint64_t seq, const std::string& why) {
    report_.bad_seq = seq;
    report_.problem = "seq " + std::to_string(seq) + ": " + why;
    return report_;
  }
  bool PreviousChanged(const std::string& line);

  const Checkpoint& cp_;
  LineReader& lines_;
  BundleReport report_;
  EntryChecker checker_{true, cp_.origin};
  // Leaves 0 .. n-2 after n lines; the last leaf waits in pending_, so a
  // bad prev in the last line can still be weighed against the root.
  CompactRange range_;
  std::optional<Hash> pending_;
  const CompactRange::NodeSink no_sink_ = [](unsigned, std::uint64_t,
                                             const Hash&) {};
};

// Line n's prev is not the hash of line n-1: either line n-1 was changed
// or line n's prev was. What comes after line n vouches for it (line
// n+1's prev is its hash; or, for the last line, the checkpoint's root
// holds it with leaf n-1 = its prev), and then line n-1 is the bad one.
bool BundleVerifier::PreviousChanged(const std::string& line) {
  const Hash leaf = LeafHash(line);
  std::string next;
  switch (lines_.Next(&next)) {
    case LineReader::Got::kLine: {
      auto view = ScanEntry(next);
      return view.ok() && view->prev_hex == HexEncode(AsBytes(leaf));
    }
    case LineReader::Got::kEnd: {
      auto view = ScanEntry(line);
      auto prev = view.ok() ? HexDecode(view->prev_hex) : std::nullopt;
      if (!prev || prev->size() != 32 || checker_.next_seq() + 1 != cp_.size) {
        return false;
      }
      Hash claimed{};
      std::memcpy(claimed.data(), prev->data(), 32);
      CompactRange range = range_;
      range.Append(claimed, no_sink_);
      range.Append(leaf, no_sink_);
      return range.Root() == cp_.root;
    }
    default:
      return false;
  }
}

Result<BundleReport> BundleVerifier::Run() {
  report_.summary.tree_size = cp_.size;
  std::string line;
  for (;;) {
    const std::uint64_t seq = checker_.next_seq();
    LineReader::Got got = lines_.Next(&line);
    if (got == LineReader::Got::kEnd) break;
    if (got == LineReader::Got::kError) {
      return BadBundle(std::string("cannot read ") + kBundleEntries);
    }
    if (seq >= cp_.size) {
      return Fail(seq, std::string(kBundleEntries) +
                           " holds more entries than the checkpoint's tree "
                           "size " +
                           std::to_string(cp_.size));
    }
    if (got == LineReader::Got::kTooLong) {
      return Fail(seq, "line is over " + std::to_string(kMaxEntryBytes) +
                           " bytes, longer than any entry");
    }
    auto leaf = checker_.Check(line);
    if (!leaf.ok()) {
      if (leaf.error().reason == kPrevMismatch && seq > 0 &&
          PreviousChanged(line)) {
        return Fail(seq - 1, "its hash is not the prev of seq " +
                                 std::to_string(seq) +
                                 " (the entry was changed)");
      }
      return Fail(seq, leaf.error().detail);
    }
    if (pending_) range_.Append(*pending_, no_sink_);
    pending_ = *leaf;
    report_.summary.entries = seq + 1;
  }
  const std::uint64_t n = checker_.next_seq();
  if (n < cp_.size) {
    return Fail(n, "entry is missing: " + std::string(kBundleEntries) +
                       " ends after " + std::to_string(n) +
                       " entries, the checkpoint's tree size is " +
                       std::to_string(cp_.size));
  }
  if (pending_) range_.Append(*pending_, no_sink_);
  report_.summary.root = range_.Root();
  if (report_.summary.root != cp_.root) {
    std::string why =
        "the entries do not hash to the checkpoint's root (the last entry "
        "was changed, or entries were changed and re-linked)";
    if (n == 0) return BadBundle(why);
    return Fail(n - 1, why);
  }
  return report_;
}

}  // namespace

Result<BundleReport> VerifyBundle(const std::string& dir,
                                  const std::string& pinned_verifier_key) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return BadBundle(dir + " is not a bundle directory");
  }
  const std::string pub_path = dir + "/" + kBundlePublicKey;
  auto pub = ReadSmallFile(pub_path, 4096);
  if (!pub.ok()) return pub.error();
  std::string_view key_text = *pub;
  while (!key_text.empty() &&
         (key_text.back() == '\n' || key_text.back() == '\r')) {
    key_text.remove_suffix(1);
  }
  if (!pinned_verifier_key.empty()) {
    // The bundle's own key is only a claim; the pinned one decides.
    auto pinned = ParseVerifierKey(pinned_verifier_key);
    if (!pinned.ok()) {
      return BadBundle("--verifier-key is not a verifier key: " +
                       pinned.error().detail);
    }
    if (key_text != pinned_verifier_key) {
      return BadBundle(pub_path + " holds " + std::string(key_text) +
                       ", not the pinned verifier key " + pinned_verifier_key);
    }
  }
  auto note_key = ParseVerifierKey(key_text);
  if (!note_key.ok()) {
    return BadBundle(pub_path +
                     " is not a verifier key: " + note_key.error().detail);
  }
  const std::string cp_path = dir + "/" + kBundleCheckpoint;
  auto note = ReadSmallFile(cp_path, 65536);
  if (!note.ok()) return note.error();
  auto cp = OpenCheckpoint(*note, *note_key);
  if (!cp.ok()) {
    return BadBundle(cp_path + " does not verify with " + pub_path + ": " +
                     cp.error().detail);
  }
  const std::string entries_path = dir + "/" + kBundleEntries;
  LineReader lines(entries_path);
  if (!lines.is_open()) return BadBundle("cannot read " + entries_path);
  auto report = BundleVerifier(*cp, lines).Run();
  if (report.ok()) {
    report->summary.origin = cp->origin;
    report->summary.verifier_key = std::string(key_text);
    report->summary.pinned = !pinned_verifier_key.empty();
  }
  return report;
}

}  // namespace fl
