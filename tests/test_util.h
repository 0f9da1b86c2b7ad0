// Shared test helpers: temp dirs that clean up, vector file reading.
#pragma once

#include <filesystem>
#include <string>

namespace fl::test {

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// Under ThreadSanitizer (fl_tsan_tests, scripts/tsan.sh) the concurrent
// tests look for races: those need threads that interleave, not the full
// volume, and TSan makes every step 5-15x slower. The two biggest streams
// (32 HTTP clients, the live worker against replay) shrink by this factor
// there; the ASan+UBSan pass runs them at full size.
#ifdef FL_TSAN_TESTS
inline constexpr int kTsanShrink = 4;
#else
inline constexpr int kTsanShrink = 1;
#endif

std::string ReadFile(const std::filesystem::path& path);
std::filesystem::path VectorsDir();  // ../shared/vectors

}  // namespace fl::test
