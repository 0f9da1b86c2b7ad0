// Runs DeferredChecks (ledger/entry_checker.h) on worker threads, so that
// `verify --signatures` uses every core: the checks of different entries are
// independent once EntryChecker has decided, in order, which key each entry
// must verify with. Reports the failure with the lowest seq, which is the
// one a sequential check would have stopped at.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "crypto/status.h"
#include "ledger/entry_checker.h"

namespace fl {

class SignaturePool {
 public:
  explicit SignaturePool(unsigned threads);
  ~SignaturePool();  // waits for the workers
  SignaturePool(const SignaturePool&) = delete;
  SignaturePool& operator=(const SignaturePool&) = delete;

  // Queues one check. Blocks while the workers are kMaxQueuedBatches behind,
  // so memory stays bounded however long the log is.
  void Add(DeferredCheck check);
  // Waits until every check added so far has run; the lowest-seq failure.
  std::optional<std::pair<std::uint64_t, Error>> Finish();

 private:
  static constexpr std::size_t kBatch = 256;
  static constexpr std::size_t kMaxQueuedBatches = 16;

  void Work();
  void Flush();  // queues `filling_`

  std::mutex mu_;
  std::condition_variable work_cv_, room_cv_, idle_cv_;
  std::deque<std::vector<DeferredCheck>> queue_;
  std::vector<DeferredCheck> filling_;
  std::size_t busy_ = 0;
  bool stopping_ = false;
  std::optional<std::pair<std::uint64_t, Error>> first_failure_;
  std::vector<std::jthread> workers_;
};

}  // namespace fl
