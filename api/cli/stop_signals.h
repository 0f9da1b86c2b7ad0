// The long-running commands (serve, mirror, witness) stop on SIGINT or
// SIGTERM taken by sigwait in the main thread, never by a worker: block
// them before any thread starts (threads inherit the mask). A peer that
// closes a socket must not kill the process, so SIGPIPE is ignored.
#pragma once

#include <pthread.h>

#include <csignal>

namespace fl::cli {

inline sigset_t BlockStopSignals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return stop_signals;
}

}  // namespace fl::cli
