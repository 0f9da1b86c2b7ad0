#include "ledger/proof_file.h"

#include <charconv>
#include <cstring>

#include "crypto/encoding.h"
#include "ledger/entry.h"
#include "ledger/ledger.h"
#include "ledger/proofs.h"

namespace fl {
namespace {

constexpr std::string_view kHeader = "c2sp.org/tlog-proof@v1";

Error Malformed(std::string detail) {
  return MakeError(Code::kInvalidArgument, "invalid_field",
                   "proof file: " + std::move(detail));
}

// The next '\n'-terminated line of `text` from `*pos`, without the '\n'.
std::optional<std::string_view> NextLine(std::string_view text,
                                         std::size_t* pos) {
  if (*pos >= text.size()) return std::nullopt;
  std::size_t end = text.find('\n', *pos);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view line = text.substr(*pos, end - *pos);
  *pos = end + 1;
  return line;
}

}  // namespace

std::string FormatProofFile(const ProofFile& p) {
  std::string out(kHeader);
  out += '\n';
  if (p.extra) {
    out += "extra ";
    out += Base64Encode(*p.extra);
    out += '\n';
  }
  out += "index " + std::to_string(p.index) + "\n";
  for (const Hash& h : p.proof) {
    out += Base64Encode(AsBytes(h));
    out += '\n';
  }
  out += '\n';
  out += p.checkpoint;
  return out;
}

Result<ProofFile> ParseProofFile(std::string_view text) {
  ProofFile p;
  std::size_t pos = 0;
  auto line = NextLine(text, &pos);
  if (!line || *line != kHeader) {
    return Malformed("first line must be " + std::string(kHeader));
  }
  line = NextLine(text, &pos);
  if (line && line->starts_with("extra ")) {
    auto raw = Base64Decode(line->substr(6));
    if (!raw) return Malformed("extra is not base64");
    p.extra = std::string(raw->begin(), raw->end());
    line = NextLine(text, &pos);
  }
  if (!line || !line->starts_with("index ")) {
    return Malformed("an 'index N' line must follow");
  }
  std::string_view digits = line->substr(6);
  auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), p.index);
  if (digits.empty() || ec != std::errc() ||
      end != digits.data() + digits.size() ||
      (digits.size() > 1 && digits[0] == '0') || digits[0] == '+') {
    return Malformed("index must be a decimal without leading zeros");
  }
  while (true) {
    line = NextLine(text, &pos);
    if (!line) return Malformed("an empty line must precede the checkpoint");
    if (line->empty()) break;
    auto raw = Base64Decode(*line);
    if (!raw || raw->size() != 32) {
      return Malformed("proof lines must be base64 of 32-byte hashes");
    }
    Hash h;
    std::memcpy(h.data(), raw->data(), 32);
    p.proof.push_back(h);
  }
  p.checkpoint = std::string(text.substr(pos));
  if (p.checkpoint.empty()) return Malformed("the checkpoint is missing");
  return p;
}

Result<ProofFile> MakeProofFile(const Ledger& ledger, std::uint64_t seq,
                                bool with_entry) {
  return MakeProofFileUnder(ledger, seq, with_entry, ledger.LatestCheckpoint());
}

Result<ProofFile> MakeProofFileUnder(const Ledger& ledger, std::uint64_t seq,
                                     bool with_entry, std::string checkpoint) {
  auto verifier = ParseVerifierKey(ledger.Info().verifier_key);
  if (!verifier.ok()) return verifier.error();
  ProofFile p;
  p.checkpoint = std::move(checkpoint);
  auto cp = OpenCheckpoint(p.checkpoint, *verifier);
  if (!cp.ok()) return cp.error();
  if (seq >= cp->size) {
    return MakeError(Code::kFailedPrecondition, "tree_size_out_of_range",
                     "no entry " + std::to_string(seq) +
                         " under the checkpoint of size " +
                         std::to_string(cp->size));
  }
  auto proof = ledger.InclusionProof(seq, cp->size);
  if (!proof.ok()) return proof.error();
  p.index = seq;
  p.proof = std::move(*proof);
  if (with_entry) {
    auto entry = ledger.EntryAt(seq);
    if (!entry.ok()) return entry.error();
    p.extra = std::move(*entry);
  }
  return p;
}

Result<ProvenEntry> VerifyProofFile(const ProofFile& p,
                                    const NoteVerifier& verifier,
                                    std::optional<std::string_view> entry) {
  auto cp = OpenCheckpoint(p.checkpoint, verifier);
  if (!cp.ok()) return cp.error();
  if (p.index >= cp->size) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "index " + std::to_string(p.index) +
                         " is past the checkpoint's size " +
                         std::to_string(cp->size));
  }
  if (!entry) {
    if (!p.extra) {
      return MakeError(Code::kInvalidArgument, "invalid_field",
                       "the file carries no entry: give the entry to check");
    }
    entry = *p.extra;
  }
  auto view = ScanEntry(*entry);
  if (!view.ok()) return view.error();
  if (view->seq != p.index) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "the entry is seq " + std::to_string(view->seq) +
                         ", the proof is for index " + std::to_string(p.index));
  }
  if (!VerifyInclusion(LeafHash(*entry), p.index, cp->size, p.proof,
                       cp->root)) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "the inclusion proof does not lead to the checkpoint's "
                     "root");
  }
  return ProvenEntry{*cp, std::string(*entry)};
}

}  // namespace fl
