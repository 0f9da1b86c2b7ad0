#include "ledger/signature_pool.h"

#include <algorithm>

namespace fl {

SignaturePool::SignaturePool(unsigned threads) {
  for (unsigned i = 0; i < std::max(1u, threads); ++i)
    workers_.emplace_back([this] { Work(); });
}

SignaturePool::~SignaturePool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  workers_.clear();  // joins
}

void SignaturePool::Add(DeferredCheck check) {
  filling_.push_back(std::move(check));
  if (filling_.size() >= kBatch) Flush();
}

void SignaturePool::Flush() {
  if (filling_.empty()) return;
  std::unique_lock lock(mu_);
  room_cv_.wait(lock, [&] { return queue_.size() < kMaxQueuedBatches; });
  queue_.push_back(std::move(filling_));
  filling_.clear();
  lock.unlock();
  work_cv_.notify_one();
}

std::optional<std::pair<std::uint64_t, Error>> SignaturePool::Finish() {
  Flush();
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [&] { return queue_.empty() && busy_ == 0; });
  return first_failure_;
}

void SignaturePool::Work() {
  std::unique_lock lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping
    std::vector<DeferredCheck> batch = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    room_cv_.notify_one();
    // Checks after a known failure cannot change the answer.
    const std::uint64_t stop_at =
        first_failure_ ? first_failure_->first : UINT64_MAX;
    lock.unlock();
    std::optional<std::pair<std::uint64_t, Error>> failure;
    for (const DeferredCheck& c : batch) {
      if (c.seq >= stop_at) break;
      Status s = RunDeferredCheck(c);
      if (!s.ok()) {
        failure.emplace(c.seq, s.error());
        break;  // the batch is in seq order
      }
    }
    lock.lock();
    if (failure && (!first_failure_ || failure->first < first_failure_->first))
      first_failure_ = std::move(failure);
    --busy_;
    if (queue_.empty() && busy_ == 0) idle_cv_.notify_all();
  }
}

}  // namespace fl
