#include "api/cli/work_team.h"

#include "crypto/check.h"

namespace fl::cli {

WorkTeam::WorkTeam(unsigned helpers) {
  helpers_.reserve(helpers);
  for (unsigned t = 0; t < helpers; ++t)
    helpers_.emplace_back([this] { Help(); });
}

WorkTeam::~WorkTeam() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  start_cv_.notify_all();
  for (std::thread& t : helpers_) t.join();
}

void WorkTeam::RunShare(const std::function<void(std::size_t)>& fn,
                        std::size_t n) {
  for (std::size_t i; (i = next_.fetch_add(1, std::memory_order_relaxed)) < n;)
    fn(i);
}

void WorkTeam::ForEach(std::size_t n,
                       const std::function<void(std::size_t)>& fn) {
  {
    std::lock_guard lock(mu_);
    FL_CHECK(busy_ == 0, "WorkTeam::ForEach while a loop runs");
    fn_ = &fn;
    n_ = n;
    next_.store(0, std::memory_order_relaxed);
    busy_ = helpers_.size();
    ++generation_;
  }
  start_cv_.notify_all();
  RunShare(fn, n);
  std::unique_lock lock(mu_);
  done_cv_.wait(lock, [&] { return busy_ == 0; });
  fn_ = nullptr;
}

void WorkTeam::Help() {
  std::uint64_t seen = 0;
  std::unique_lock lock(mu_);
  for (;;) {
    start_cv_.wait(lock, [&] { return stopping_ || generation_ != seen; });
    if (stopping_) return;
    seen = generation_;
    const auto* fn = fn_;
    const std::size_t n = n_;
    lock.unlock();
    RunShare(*fn, n);
    lock.lock();
    if (--busy_ == 0) done_cv_.notify_one();
  }
}

}  // namespace fl::cli
