#include "ledger/mirror_key.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fl {

Result<std::optional<NoteVerifier>> ReadMirrorKey(const std::string& dir) {
  const std::string path = dir + "/" + kMirrorKeyFile;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<NoteVerifier>();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Internal("cannot read " + path);
  std::string vkey = text.str();
  while (!vkey.empty() && (vkey.back() == '\n' || vkey.back() == '\r'))
    vkey.pop_back();
  auto parsed = ParseVerifierKey(vkey);
  if (!parsed.ok()) {
    return DataLoss(path + " is not a verifier key: " + parsed.error().detail);
  }
  return std::optional<NoteVerifier>(*parsed);
}

Status WriteMirrorKey(const std::string& dir, const std::string& vkey) {
  FL_RETURN_IF_ERROR(ParseVerifierKey(vkey));
  const std::string path = dir + "/" + kMirrorKeyFile;
  std::ofstream out(path, std::ios::trunc);
  out << vkey << "\n";
  out.close();
  if (!out) return Internal("cannot write " + path);
  return Status::Ok();
}

}  // namespace fl
