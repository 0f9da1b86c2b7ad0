// Scratch directories the commands may wipe (`replay --scratch`,
// `bench --dir`, `bench-http --dir`, `bench-projections --scratch`): a
// command deletes only what it made. A directory is claimed when it is new
// or empty, and then carries a marker file naming the command; one that is
// not empty and has no marker (a ledger, someone's home) is refused.
#pragma once

#include <string>

namespace fl::cli {

// The marker's name inside a claimed directory.
inline constexpr const char* kScratchMarker = ".fundledger-scratch";

// Creates `dir` if needed and makes sure it is ours: new, empty, or marked
// by an earlier run. Throws UsageError naming `flag` otherwise, having
// changed nothing.
void ClaimScratchDir(const std::string& dir, const std::string& flag,
                     const std::string& command);
// Deletes everything in a claimed `dir` but its marker.
void EmptyScratchDir(const std::string& dir);

}  // namespace fl::cli
