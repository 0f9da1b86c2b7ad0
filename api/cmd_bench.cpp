#include "api/commands.h"
#include <cstdio>
namespace fl::cli {
int Bench(const Argv&) { std::fputs("bench: not built yet\n", stderr); return 1; }
}  // namespace fl::cli
