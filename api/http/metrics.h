// Counters behind GET /metrics, rendered in the Prometheus text format
// (version 0.0.4): requests and latency per route, refusals by code,
// events appended over HTTP, the ledger's group-commit figures, and how far
// the projections have applied the log.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "ledger/ledger.h"
#include "replay/projections.h"

namespace fl {

class Metrics {
 public:
  // Upper bounds (seconds) of the request latency histogram.
  static constexpr std::array<double, 14> kLatencyBounds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,  0.5,    1,     2.5,  5,     10};

  // `route` is the route's template ("POST /v1/events"), never the raw
  // path, so the label set stays small. `code` is empty on success.
  void Request(const std::string& route, int status, const std::string& code,
               double seconds);
  void Appended(std::uint64_t entries, std::uint64_t repeats);
  void Connections(int open) { open_connections_.store(open); }

  std::string Render(const LedgerInfo& info, const AppendStats& stats) const;
  // Gauges per projection: entries applied, entries and seconds behind
  // the log, and whether the worker stopped on a fault.
  static std::string RenderProjections(
      const std::vector<replay::ProjectionStatus>& projections);

 private:
  struct Histogram {
    std::array<std::uint64_t, kLatencyBounds.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, std::uint64_t> refusals_;
  std::map<std::string, Histogram> latency_;
  std::atomic<std::uint64_t> appended_{0}, repeats_{0};
  std::atomic<int> open_connections_{0};
};

}  // namespace fl
