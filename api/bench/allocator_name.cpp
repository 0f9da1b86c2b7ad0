// AllocatorName (see allocator_name.h).
#include "api/bench/allocator_name.h"

#include <cstdint>
#include <cstdlib>

#if FL_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

namespace fl::cli {
namespace {

#if FL_JEMALLOC
// Keeps the probe allocation below from being optimised away.
void* volatile probe_sink = nullptr;

// Whether the process's malloc is jemalloc's: linking it is not enough if
// the C library's malloc were bound first (link order), so allocate 1 MiB
// through plain malloc and ask jemalloc whether it counted the bytes.
bool JemallocServesMalloc() {
  std::uint64_t before = 0, after = 0;
  std::size_t len = sizeof before;
  if (mallctl("thread.allocated", &before, &len, nullptr, 0) != 0) return false;
  probe_sink = std::malloc(std::size_t{1} << 20);
  len = sizeof after;
  const bool counted =
      mallctl("thread.allocated", &after, &len, nullptr, 0) == 0 &&
      after - before >= (std::uint64_t{1} << 20);
  std::free(probe_sink);
  probe_sink = nullptr;
  return counted;
}
#endif

}  // namespace

std::string AllocatorName() {
#if FL_JEMALLOC
  if (!JemallocServesMalloc())
    return "the C library's malloc (jemalloc linked but not serving malloc)";
  const char* version = nullptr;
  const char* thp = nullptr;
  std::size_t len = sizeof version;
  if (mallctl("version", &version, &len, nullptr, 0) != 0 || !version)
    version = "?";
  len = sizeof thp;
  if (mallctl("opt.thp", &thp, &len, nullptr, 0) != 0 || !thp) thp = "?";
  return std::string("jemalloc ") + version + " (thp " + thp + ")";
#else
  return "the C library's malloc";
#endif
}

}  // namespace fl::cli
