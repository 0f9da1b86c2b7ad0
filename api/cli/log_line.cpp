#include "api/cli/log_line.h"

#include <unistd.h>

#include <mutex>
#include <string>

namespace fl::cli {

void WriteLogLine(std::string_view line) {
  std::string out(line);
  out += '\n';
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::write(STDERR_FILENO, out.data() + done, out.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace fl::cli
