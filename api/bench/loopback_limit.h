// The machine's own limit for request/response traffic over 127.0.0.1,
// measured in the same run as the HTTP figures: how many round trips the
// kernel's loopback TCP carries when neither end parses, checks or stores
// anything. A VM's system calls and wake-ups can cost several times what
// they cost on another host (2026-12-07: ~1 us for a null system call),
// so an HTTP figure is read against this and the Ed25519 limit together.
#pragma once

#include <cstddef>

namespace fl::cli {

struct LoopbackLimit {
  double round_trips_per_s = 0;
  // Process CPU (both ends, kernel and user) per round trip, in core-us.
  double cpu_us_per_round_trip = 0;
};

// `conns` keep-alive connections over 127.0.0.1, each a blocking client
// thread sending `request_bytes` and a blocking server thread answering
// with `response_bytes` (one thread per connection: the fewest system
// calls a round trip can take), for about `seconds`. Throws when a socket
// cannot be set up.
LoopbackLimit MeasureLoopback(unsigned conns, std::size_t request_bytes,
                              std::size_t response_bytes, double seconds);

}  // namespace fl::cli
