#include "api/cli/scratch_dir.h"

#include <filesystem>
#include <fstream>
#include <system_error>

#include "api/cli/cli_args.h"

namespace fl::cli {

void ClaimScratchDir(const std::string& dir, const std::string& flag,
                     const std::string& command) {
  namespace fs = std::filesystem;
  const fs::path path(dir);
  const fs::path marker = path / kScratchMarker;
  std::error_code ec;
  auto refuse = [&](const std::string& why) {
    throw UsageError("--" + flag + " " + dir + ": " + why +
                     "; fundledger only deletes a directory it made (new, "
                     "empty, or holding " +
                     kScratchMarker + ")");
  };
  if (fs::exists(path, ec)) {
    if (!fs::is_directory(path, ec)) refuse("not a directory");
    // Marked by an earlier run: ours to wipe again.
    if (fs::is_regular_file(marker, ec)) return;
    if (!fs::is_empty(path, ec) || ec) {
      refuse("exists, is not empty and was not made by fundledger");
    }
  } else if (!fs::create_directories(path, ec) || ec) {
    refuse("cannot create it: " + ec.message());
  }
  std::ofstream out(marker, std::ios::binary | std::ios::trunc);
  out << "made by fundledger " << command
      << "; its contents are deleted on the next run\n";
  if (!out) refuse("cannot write its marker file");
}

void EmptyScratchDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().filename() == kScratchMarker) continue;
    fs::remove_all(e.path(), ec);
  }
}

}  // namespace fl::cli
