#include "api/cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace fl::cli {

Progress::Progress(std::string label, std::uint64_t total, std::string unit)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      tty_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void Progress::Update(std::uint64_t done) {
  if (total_ == 0) return;
  auto now = std::chrono::steady_clock::now();
  if (tty_) {
    if (now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    const int width = 40;
    int filled = static_cast<int>(done * width / total_);
    std::string bar(filled, '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r%s [%s] %llu/%llu%s", label_.c_str(), bar.c_str(),
                 static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total_), unit_.c_str());
    std::fflush(stderr);
    return;
  }
  int decile = static_cast<int>(done * 10 / total_);
  if (decile == last_decile_) return;
  last_decile_ = decile;
  std::fprintf(stderr, "%s: %llu/%llu%s\n", label_.c_str(),
               static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total_), unit_.c_str());
}

void Progress::Finish(std::uint64_t done) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start_)
                .count();
  if (tty_) std::fprintf(stderr, "\r\033[K");
  std::fprintf(stderr, "%s: %llu done in %lld ms\n", label_.c_str(),
               static_cast<unsigned long long>(done),
               static_cast<long long>(ms));
}

}  // namespace fl::cli
