#include "crypto/check.h"

#include <cstdio>
#include <cstdlib>

namespace fl::check_detail {

void Fail(const char* file, int line, const char* condition,
          const std::string& context) {
  // stdio, not iostream: the process may be in any state; one write, flushed.
  std::fprintf(stderr, "FL_CHECK failed at %s:%d: %s%s%s%s\n", file, line,
               condition, context.empty() ? "" : " (", context.c_str(),
               context.empty() ? "" : ")");
  std::fflush(stderr);
  std::abort();
}

}  // namespace fl::check_detail
