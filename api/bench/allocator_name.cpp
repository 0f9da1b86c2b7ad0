// AllocatorName (see allocator_name.h).
#include "api/bench/allocator_name.h"

#if FL_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

namespace fl::cli {

std::string AllocatorName() {
#if FL_JEMALLOC
  // mallctl answers from the allocator that actually serves malloc; if the
  // C library's malloc had been bound first, these names would be absent.
  const char* version = nullptr;
  const char* thp = nullptr;
  std::size_t len = sizeof version;
  if (mallctl("version", &version, &len, nullptr, 0) != 0 || !version)
    return "jemalloc (no version answered)";
  len = sizeof thp;
  if (mallctl("opt.thp", &thp, &len, nullptr, 0) != 0 || !thp) thp = "?";
  return std::string("jemalloc ") + version + " (thp " + thp + ")";
#else
  return "the C library's malloc";
#endif
}

}  // namespace fl::cli
