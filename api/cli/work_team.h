// A fixed team of threads that runs one parallel loop at a time.
//
// `import` used to start three threads for every round of 1024 lines (a
// reader and two preparers): ~3,000 thread starts and exits for the 1M
// fixture. Each exit handed its stack (glibc's madvise of the unused
// 8 MiB) and jemalloc's thread cache back to the kernel, and the next
// round faulted them in again, with a TLB shoot-down on the other core
// for every unmap: ~12% of import's CPU in perf (issue 10, twenty-fourth
// session).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fl::cli {

class WorkTeam {
 public:
  // `helpers` threads besides the caller of ForEach; 0 runs every loop on
  // the caller alone.
  explicit WorkTeam(unsigned helpers);
  ~WorkTeam();  // stops and joins the helpers
  WorkTeam(const WorkTeam&) = delete;
  WorkTeam& operator=(const WorkTeam&) = delete;

  // Calls fn(i) once for every i in [0, n), on the caller's thread and on
  // every helper, each taking the next index as it finishes one (a fixed
  // share each left the thread that shares a core with a busy one last,
  // and the others waiting for it). Returns once every call has returned.
  // fn must not throw. One ForEach at a time.
  void ForEach(std::size_t n, const std::function<void(std::size_t)>& fn);

  unsigned threads() const {
    return static_cast<unsigned>(helpers_.size()) + 1;
  }

 private:
  void Help();
  void RunShare(const std::function<void(std::size_t)>& fn, std::size_t n);

  std::mutex mu_;
  std::condition_variable start_cv_, done_cv_;
  // The current loop; set under mu_ before generation_ moves on.
  const std::function<void(std::size_t)>* fn_ = nullptr;
  std::size_t n_ = 0;
  std::atomic<std::size_t> next_{0};
  std::uint64_t generation_ = 0;
  // Helpers still inside the current loop. ForEach returns only at 0, so
  // every helper takes part in every loop exactly once.
  std::size_t busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> helpers_;
};

}  // namespace fl::cli
