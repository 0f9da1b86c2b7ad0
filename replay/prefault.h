// Fresh memory faulted in by one system call instead of one page fault
// per 4 KiB page.
//
// A replay builds its State (~430 MB at 1M entries) in memory it has never
// touched. In a PVM guest every page fault is a trip through the
// hypervisor: a C loop touching 400 MiB page by page ran at 355 MiB/s
// (~11 us a page), while madvise(MADV_POPULATE_WRITE) on the same range
// ran at 5,900 MiB/s (twenty-fourth session, docs/PERFORMANCE.md). On
// bare metal the difference is small, and populating costs nothing the
// first write would not have cost.
#pragma once

#include <cstddef>
#include <memory>

namespace fl::replay {

// Below this a block is likely inside pages already resident, and one
// system call costs more than what it could save.
inline constexpr std::size_t kPrefaultMinBytes = std::size_t{16} << 10;

// Asks the kernel to back the whole pages inside [p, p + bytes) now, for
// writing. Only a hint: a kernel without MADV_POPULATE_WRITE (before
// Linux 5.14) refuses it, and the pages fault in on first touch as before.
void Prefault(void* p, std::size_t bytes);

// std::allocator, with every allocation of kPrefaultMinBytes or more
// prefaulted: for the State's hash tables and vectors, which are written
// all over right after they grow.
template <class T>
struct PrefaultAllocator {
  using value_type = T;

  PrefaultAllocator() = default;
  template <class U>
  PrefaultAllocator(const PrefaultAllocator<U>&) {}  // NOLINT: rebinding

  T* allocate(std::size_t n) {
    T* p = std::allocator<T>{}.allocate(n);
    if (n * sizeof(T) >= kPrefaultMinBytes) Prefault(p, n * sizeof(T));
    return p;
  }
  void deallocate(T* p, std::size_t n) { std::allocator<T>{}.deallocate(p, n); }

  template <class U>
  bool operator==(const PrefaultAllocator<U>&) const {
    return true;
  }
};

}  // namespace fl::replay
