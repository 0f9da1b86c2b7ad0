// A one-shot wake-up: one thread sleeps in Wait() until another calls
// Post(). The group commit's synchronous writers sleep on one each
// (ledger.cpp).
//
// A POSIX semaphore, for two reasons:
// - The waiter owns it on its stack and may return, destroying it, the
//   moment it is woken, while Post() is still returning. glibc's sem_post
//   touches nothing after the count but the futex address itself, so this
//   is allowed (POSIX: a semaphore may be destroyed once no thread waits
//   on it; glibc bug 12674). A condition variable signalled outside its
//   mutex gives no such promise.
// - std::binary_semaphore (libstdc++ 12) spins with four sched_yield calls
//   before it sleeps. With 64 producers on 2 cores each yield switched to
//   another thread, and the yields were ~23% of the CPU on this VM
//   (perf, docs/PERFORMANCE.md); sem_wait goes straight to the futex.
#pragma once

#include <semaphore.h>

#include <cerrno>

#include "crypto/check.h"

namespace fl {

class Wakeup {
 public:
  Wakeup() { FL_CHECK(::sem_init(&sem_, 0, 0) == 0, "sem_init: ", errno); }
  ~Wakeup() { ::sem_destroy(&sem_); }
  Wakeup(const Wakeup&) = delete;
  Wakeup& operator=(const Wakeup&) = delete;

  void Wait() {
    while (::sem_wait(&sem_) != 0) {
      FL_CHECK(errno == EINTR, "sem_wait: ", errno);
    }
  }
  // The caller must not touch the waiter's memory after this: it may be
  // gone.
  void Post() { FL_CHECK(::sem_post(&sem_) == 0, "sem_post: ", errno); }

 private:
  sem_t sem_;
};

}  // namespace fl
