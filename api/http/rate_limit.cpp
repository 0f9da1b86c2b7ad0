#include "api/http/rate_limit.h"

#include <algorithm>
#include <cmath>

namespace fl {
namespace {
// How far ahead of now an agency may have charged before it is refused:
// one second's worth of burst.
constexpr std::chrono::seconds kBurst{1};
}  // namespace

std::optional<int> RateLimiter::WaitFor(const Counts& counts,
                                        Clock::time_point now) {
  for (const auto& [agency, n] : counts) {
    auto it = drained_at_.find(agency);
    if (it == drained_at_.end() || it->second <= now + kBurst) continue;
    double wait =
        std::chrono::duration<double>(it->second - now - kBurst).count();
    return std::max(1, static_cast<int>(std::ceil(wait)));
  }
  return std::nullopt;
}

void RateLimiter::ChargeLocked(const Counts& counts, Clock::time_point now) {
  for (const auto& [agency, n] : counts) {
    auto& at = drained_at_[agency];
    at = std::max(at, now) + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(
                                     static_cast<double>(n) / per_second_));
  }
}

std::optional<int> RateLimiter::Admit(const Counts& charge,
                                      const Counts& check) {
  auto now = Clock::now();
  std::lock_guard lock(mu_);
  if (auto wait = WaitFor(charge, now)) return wait;
  if (auto wait = WaitFor(check, now)) return wait;
  ChargeLocked(charge, now);
  return std::nullopt;
}

void RateLimiter::Charge(const Counts& counts) {
  if (counts.empty()) return;
  std::lock_guard lock(mu_);
  ChargeLocked(counts, Clock::now());
}

}  // namespace fl
