// The JSON-lines log of the long-running commands (serve, mirror) on
// stderr: one write(2) per line, so lines from several threads never
// interleave.
#pragma once

#include <string_view>

namespace fl::cli {

void WriteLogLine(std::string_view line);

}  // namespace fl::cli
