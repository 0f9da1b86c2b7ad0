// The HTTP face of a witness (c2sp.org/tlog-witness) for `fundledger
// witness`: POST /add-checkpoint and GET /<origin hash>/checkpoint, on
// Boost.Beast with keep-alive. Small and separate from the ledger's server
// because it shares none of its routes, tokens or pools.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/status.h"

namespace fl {
class Witness;
}

namespace fl::http {

struct WitnessServerOptions {
  std::string listen = "127.0.0.1:7380";  // host:port; port 0 picks one
  int threads = 2;
  // A request is an old-size line, <= 63 proof lines and a checkpoint.
  std::size_t body_limit = 64 * 1024;
  std::chrono::milliseconds idle_timeout{30'000};
  // Open connections; a new one over the cap is closed at once (a witness
  // serves a handful of logs, not the public).
  int max_connections = 256;
  // One JSON line per request; null: no log.
  std::function<void(std::string_view)> access_log;
  // The cosignature's time; tests may pin it. Null: the system clock.
  std::function<std::uint64_t()> now;
};

class WitnessServer {
 public:
  WitnessServer(Witness& witness, WitnessServerOptions options);
  ~WitnessServer();  // Stop()
  WitnessServer(const WitnessServer&) = delete;
  WitnessServer& operator=(const WitnessServer&) = delete;

  Status Start();
  unsigned short port() const;
  // Closes the listener and every connection, joins the threads.
  void Stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace fl::http
