// A progress bar on a terminal, plain lines otherwise (API.md: import and
// append show progress). Writes to stderr so stdout stays machine-readable.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace fl::cli {

class Progress {
 public:
  // `unit` follows the counts ("" for items, " bytes" for a file read as
  // it goes).
  Progress(std::string label, std::uint64_t total, std::string unit = "");
  void Update(std::uint64_t done);
  void Finish(std::uint64_t done);

 private:
  std::string label_;
  std::uint64_t total_;
  std::string unit_;
  bool tty_;
  int last_decile_ = -1;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace fl::cli
