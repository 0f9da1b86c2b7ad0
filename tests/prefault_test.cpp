// Prefault (replay/prefault.h): the pages come in before the first write,
// and the bytes already there, inside the range or around it, are left as
// they were.
#include "replay/prefault.h"

#include <sys/mman.h>
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

using fl::replay::Prefault;
using fl::replay::PrefaultAllocator;

namespace {

long MinorFaults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

// Page faults taken while writing one byte in every page of [p, p + n).
// Not instrumented: under ASan each checked write would also read its
// shadow byte, faulting in a shadow page per 32 KiB that no prefault of
// ours covers.
__attribute__((no_sanitize_address)) long FaultsToTouch(char* p,
                                                        std::size_t n) {
  const long before = MinorFaults();
  for (std::size_t i = 0; i < n; i += 4096) p[i] = 1;
  return MinorFaults() - before;
}

}  // namespace

TEST_CASE("prefaulted pages take no fault on their first write", "[prefault]") {
  const std::size_t n = std::size_t{8} << 20;  // 2048 pages
  auto map = [&] {
    void* p = mmap(nullptr, n, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    return static_cast<char*>(p);
  };
  char* plain = map();
  char* faulted = map();
  Prefault(faulted, n);
  const long plain_faults = FaultsToTouch(plain, n);
  const long prefaulted_faults = FaultsToTouch(faulted, n);
  munmap(plain, n);
  munmap(faulted, n);
  // Fresh anonymous memory faults page by page (a kernel with transparent
  // huge pages on for this mapping may take fewer, still well above 0).
  CHECK(plain_faults >= 4);
  // 0 here; the margin allows for a kernel that faults a few pages anyway.
  CHECK(prefaulted_faults * 16 <= plain_faults);
}

TEST_CASE("prefault leaves every byte as it was", "[prefault]") {
  std::vector<unsigned char> bytes(std::size_t{1} << 20);
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<unsigned char>(i * 131 + 7);
  const std::vector<unsigned char> before = bytes;
  // Unaligned at both ends: the partial pages belong to the same vector.
  Prefault(bytes.data() + 1, bytes.size() - 3);
  Prefault(bytes.data() + 100, 10);  // inside one page: nothing to do
  Prefault(bytes.data(), 0);
  CHECK(bytes == before);
}

TEST_CASE("a vector on the prefault allocator behaves as any vector",
          "[prefault]") {
  std::vector<std::uint64_t, PrefaultAllocator<std::uint64_t>> v;
  for (std::uint64_t i = 0; i < 100000; ++i) v.push_back(i * i);
  REQUIRE(v.size() == 100000);
  for (std::uint64_t i = 0; i < v.size(); ++i) REQUIRE(v[i] == i * i);
  auto copy = v;
  CHECK(copy == v);
}
