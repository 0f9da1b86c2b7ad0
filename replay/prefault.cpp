#include "replay/prefault.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

// glibc 2.36's headers name it; the value is the kernel's ABI.
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

namespace fl::replay {

void Prefault(void* p, std::size_t bytes) {
  static const std::uintptr_t page =
      static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto begin = reinterpret_cast<std::uintptr_t>(p);
  // Only whole pages inside the range: madvise wants a page-aligned start,
  // and a partial page at either end may hold someone else's live bytes
  // (populating them would be harmless, but rounding up could step past
  // the mapping).
  const std::uintptr_t first = (begin + page - 1) & ~(page - 1);
  const std::uintptr_t last = (begin + bytes) & ~(page - 1);
  if (last <= first) return;
  // The answer is ignored on purpose: this is a hint (see prefault.h).
  (void)madvise(reinterpret_cast<void*>(first), last - first,
                MADV_POPULATE_WRITE);
}

}  // namespace fl::replay
