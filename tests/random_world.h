// Random but valid event streams for replay-equals-live tests: every event
// passes the append checks, and the stream touches every event type and,
// by chance, every rule.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "rule_world.h"

namespace fl::test {

// Appends `events` random events to `w` in batches of `batch`. The world
// needs agencies cz-530000 (finance), mz-530000 (civil_affairs) and
// sj-530000 (auditor), as RuleWorld has. Dates are random from 2023 to
// mid-2025, or with `dates_in_order` a day later every five events from
// 2023-01-01 (a live log's shape: appended as things happen).
void AppendRandomWorld(World& w, std::uint32_t seed, int events,
                       int batch = 500, bool dates_in_order = false);
inline void AppendRandomWorld(RuleWorld& w, std::uint32_t seed, int events,
                              int batch = 500, bool dates_in_order = false) {
  AppendRandomWorld(w.world(), seed, events, batch, dates_in_order);
}

}  // namespace fl::test
