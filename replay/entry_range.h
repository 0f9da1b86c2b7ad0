// Decodes a run of log entries for the projections, reusing buffers.
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/status.h"
#include "ledger/ledger.h"
#include "replay/event.h"

namespace fl::replay {

// Decodes entries [from, to) into `events`, whose Events (and their
// buffers) are reused from the previous call: a fold decodes millions of
// entries through one batch.
Status DecodeEntries(const Ledger& ledger, std::uint64_t from, std::uint64_t to,
                     std::vector<Event>& events);

}  // namespace fl::replay
