#include "api/http/rate_limit.h"

#include <algorithm>
#include <cmath>

namespace fl {
namespace {
// How far ahead of now an agency may have charged before it is refused:
// one second's worth of burst.
constexpr std::chrono::seconds kBurst{1};
}  // namespace

std::optional<int> RateLimiter::Admit(
    const std::map<std::string, std::size_t>& counts) {
  auto now = Clock::now();
  std::lock_guard lock(mu_);
  for (const auto& [agency, n] : counts) {
    auto it = drained_at_.find(agency);
    if (it == drained_at_.end() || it->second <= now + kBurst) continue;
    double wait =
        std::chrono::duration<double>(it->second - now - kBurst).count();
    return std::max(1, static_cast<int>(std::ceil(wait)));
  }
  for (const auto& [agency, n] : counts) {
    auto& at = drained_at_[agency];
    at = std::max(at, now) + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(
                                     static_cast<double>(n) / per_second_));
  }
  return std::nullopt;
}

}  // namespace fl
