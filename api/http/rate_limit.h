// Per-agency append rate (API.md "Limits": configurable, default
// unlimited). A request is admitted while its agency is not in debt, and
// then charged for all its events, so a batch larger than one second's
// allowance still passes and the agency waits afterwards (GCRA-style).
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
  explicit RateLimiter(double events_per_second)
      : per_second_(events_per_second) {}

  // Charges every agency its count, or charges nothing and returns the
  // seconds to wait (for Retry-After) when one of them is over its rate.
  std::optional<int> Admit(const std::map<std::string, std::size_t>& counts);

 private:
  using Clock = std::chrono::steady_clock;
  double per_second_;
  std::mutex mu_;
  // When each agency's charged events will have drained.
  std::unordered_map<std::string, Clock::time_point> drained_at_;
};

}  // namespace fl
