// Decodes a run of log entries for the projections, reusing buffers.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "crypto/status.h"
#include "ledger/ledger.h"
#include "replay/event.h"

namespace fl::replay {

// Decodes entries [from, to) into `events`, whose Events (and their
// buffers) are reused from the previous call: the live applier decodes a
// batch outside the state's lock, then applies it under the lock.
Status DecodeEntries(const Ledger& ledger, std::uint64_t from, std::uint64_t to,
                     std::vector<Event>& events);

// Decodes entries [from, to) one at a time into `e` (reused) and calls
// fn(e) on each while its Doc is still in cache: for a fold with nothing
// to wait for between the two.
Status ForEachEvent(const Ledger& ledger, std::uint64_t from, std::uint64_t to,
                    Event& e, const std::function<void(const Event&)>& fn);

}  // namespace fl::replay
