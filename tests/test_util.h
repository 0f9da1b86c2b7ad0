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

std::string ReadFile(const std::filesystem::path& path);
std::filesystem::path VectorsDir();  // ../shared/vectors

}  // namespace fl::test
