// Per-agency append rate (API.md "Limits": configurable, default
// unlimited). A request is admitted while its agency is not in debt, and
// then charged for all its events, so a batch larger than one second's
// allowance still passes and the agency waits afterwards (GCRA-style).
// Amended 2026-12: an agency is charged only for envelopes whose signature
// checked out, so nobody can push another agency into 429 with forgeries.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace fl {

class RateLimiter {
 public:
  using Counts = std::map<std::string, std::size_t>;

  explicit RateLimiter(double events_per_second)
      : per_second_(events_per_second) {}

  // When no agency of `charge` or `check` is in debt: charges `charge`
  // (events whose signature already checked out) and returns nullopt.
  // Otherwise charges nothing and returns the seconds to wait (for
  // Retry-After). `check` agencies are only looked at: their signatures
  // are checked later, and they are charged with Charge once they were.
  std::optional<int> Admit(const Counts& charge, const Counts& check = {});
  // Charges events whose signature checked out after admission.
  void Charge(const Counts& counts);

 private:
  using Clock = std::chrono::steady_clock;
  std::optional<int> WaitFor(const Counts& counts, Clock::time_point now);
  void ChargeLocked(const Counts& counts, Clock::time_point now);

  double per_second_;
  std::mutex mu_;
  // When each agency's charged events will have drained.
  std::unordered_map<std::string, Clock::time_point> drained_at_;
};

}  // namespace fl
