#include "api/http/metrics.h"

#include <cstdio>

namespace fl {
namespace {

// Label values are route templates and error codes: no quotes or
// backslashes, but escape anyway so the output stays parseable.
std::string Label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void Header(std::string& out, const char* name, const char* type,
            const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

}  // namespace

void Metrics::Request(const std::string& route, int status,
                      const std::string& code, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{route, status}];
  if (!code.empty()) ++refusals_[code];
  Histogram& h = latency_[route];
  for (std::size_t i = 0; i < kLatencyBounds.size(); ++i) {
    if (seconds <= kLatencyBounds[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::Appended(std::uint64_t entries, std::uint64_t repeats) {
  appended_ += entries;
  repeats_ += repeats;
}

std::string Metrics::Render(const LedgerInfo& info,
                            const AppendStats& stats) const {
  std::string out;
  Header(out, "fundledger_http_requests_total", "counter",
         "HTTP requests by route and status.");
  std::lock_guard lock(mu_);
  for (const auto& [key, n] : requests_) {
    out += "fundledger_http_requests_total{route=\"" + Label(key.first) +
           "\",status=\"" + std::to_string(key.second) + "\"} " +
           std::to_string(n) + "\n";
  }
  Header(out, "fundledger_http_refusals_total", "counter",
         "Refused requests by problem code (nothing stored).");
  for (const auto& [code, n] : refusals_) {
    out += "fundledger_http_refusals_total{code=\"" + Label(code) + "\"} " +
           std::to_string(n) + "\n";
  }
  Header(out, "fundledger_http_request_duration_seconds", "histogram",
         "Time from a complete request to its response, by route.");
  for (const auto& [route, h] : latency_) {
    std::string l = "route=\"" + Label(route) + "\"";
    for (std::size_t i = 0; i < kLatencyBounds.size(); ++i) {
      out += "fundledger_http_request_duration_seconds_bucket{" + l + ",le=\"" +
             Number(kLatencyBounds[i]) + "\"} " + std::to_string(h.buckets[i]) +
             "\n";
    }
    out += "fundledger_http_request_duration_seconds_bucket{" + l +
           ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    out += "fundledger_http_request_duration_seconds_sum{" + l + "} " +
           Number(h.sum) + "\n";
    out += "fundledger_http_request_duration_seconds_count{" + l + "} " +
           std::to_string(h.count) + "\n";
  }
  Header(out, "fundledger_http_appended_events_total", "counter",
         "Events appended through the HTTP API.");
  out += "fundledger_http_appended_events_total " +
         std::to_string(appended_.load()) + "\n";
  Header(out, "fundledger_http_repeated_events_total", "counter",
         "Exact repeats answered with their first receipt.");
  out += "fundledger_http_repeated_events_total " +
         std::to_string(repeats_.load()) + "\n";
  Header(out, "fundledger_http_open_connections", "gauge",
         "Open client connections.");
  out += "fundledger_http_open_connections " +
         std::to_string(open_connections_.load()) + "\n";

  Header(out, "fundledger_ledger_tree_size", "gauge", "Entries in the log.");
  out += "fundledger_ledger_tree_size " + std::to_string(info.tree_size) + "\n";
  Header(out, "fundledger_ledger_entries_total", "counter",
         "Entries appended since the ledger was opened.");
  out +=
      "fundledger_ledger_entries_total " + std::to_string(stats.entries) + "\n";
  Header(out, "fundledger_ledger_repeats_total", "counter",
         "Exact repeats answered since the ledger was opened.");
  out +=
      "fundledger_ledger_repeats_total " + std::to_string(stats.repeats) + "\n";
  Header(out, "fundledger_ledger_storage_failing", "gauge",
         "1 while group writes fail (disk full, I/O error) and none has "
         "succeeded since.");
  out += "fundledger_ledger_storage_failing " +
         std::string(stats.storage_failing ? "1" : "0") + "\n";
  Header(out, "fundledger_ledger_refused_units_total", "counter",
         "Refused units (one event or one batch) since the ledger was "
         "opened.");
  out += "fundledger_ledger_refused_units_total " +
         std::to_string(stats.refused_units) + "\n";
  // Group sizes as a histogram: the sum of sizes is the entry count.
  Header(out, "fundledger_ledger_group_size", "histogram",
         "Entries per synced group commit.");
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b + 1 < stats.group_size_buckets.size(); ++b) {
    cumulative += stats.group_size_buckets[b];
    out += "fundledger_ledger_group_size_bucket{le=\"" +
           std::to_string(1ull << b) + "\"} " + std::to_string(cumulative) +
           "\n";
  }
  out += "fundledger_ledger_group_size_bucket{le=\"+Inf\"} " +
         std::to_string(stats.groups) + "\n";
  out += "fundledger_ledger_group_size_sum " + std::to_string(stats.entries) +
         "\n";
  out += "fundledger_ledger_group_size_count " + std::to_string(stats.groups) +
         "\n";
  return out;
}

std::string Metrics::RenderProjections(
    const std::vector<replay::ProjectionStatus>& projections) {
  struct Gauge {
    const char* name;
    const char* help;
    std::string (*value)(const replay::ProjectionStatus&);
  };
  static const Gauge kGauges[] = {
      {"fundledger_projection_applied_entries",
       "Entries the projection has applied (seqs 0 .. N-1).",
       [](const replay::ProjectionStatus& p) {
         return std::to_string(p.applied);
       }},
      {"fundledger_projection_lag_entries",
       "Entries in the log the projection has not applied yet.",
       [](const replay::ProjectionStatus& p) {
         return std::to_string(p.tree_size > p.applied ? p.tree_size - p.applied
                                                       : 0);
       }},
      {"fundledger_projection_lag_seconds",
       "Age of the oldest entry the projection has not applied yet "
       "(0 when caught up).",
       [](const replay::ProjectionStatus& p) { return Number(p.lag_seconds); }},
      {"fundledger_projection_failed",
       "1 when the projection worker stopped on a fault.",
       [](const replay::ProjectionStatus& p) {
         return std::string(p.error.empty() ? "0" : "1");
       }},
  };
  std::string out;
  for (const Gauge& g : kGauges) {
    Header(out, g.name, "gauge", g.help);
    for (const auto& p : projections) {
      out += std::string(g.name) + "{projection=\"" + Label(p.name) + "\"} " +
             g.value(p) + "\n";
    }
  }
  return out;
}

}  // namespace fl
