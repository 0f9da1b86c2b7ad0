// Which allocator this binary runs on, for the benches' headers and JSON:
// replay and projection figures move by a quarter with it, so a figure
// without it cannot be compared across builds.
#pragma once

#include <string>

namespace fl::cli {

// "jemalloc <version> (thp <mode>)" or "the C library's malloc".
std::string AllocatorName();

}  // namespace fl::cli
