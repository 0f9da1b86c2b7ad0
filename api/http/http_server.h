// The HTTP/1.1 server of API.md on Boost.Beast: keep-alive connections,
// each on its own strand, served by an io_context thread pool; appends run
// on a separate pool because Ledger::Append blocks until its group commit
// is synced. Beast stays in http_server.cpp (pimpl) to keep rebuilds short.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/status.h"
#include "ledger/ledger.h"
#include "ledger/limits.h"

namespace fl::replay {
class Projections;
}

namespace fl::http {

class WitnessedCheckpoint;

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks one
  std::string data_dir;     // checked by /healthz; empty: not checked
  std::string tokens_file;  // read tokens; empty or absent: none valid
  // PEM certificate chain and private key: every connection is TLS 1.2 or
  // newer. Both empty: plain HTTP.
  std::string tls_cert_file, tls_key_file;
  // Plain HTTP on a non-loopback address: Start refuses it unless this is
  // set (a TLS-terminating proxy in front; docs/spec-notes.md).
  bool insecure_http = false;
  int io_threads = 0;  // 0: one per core
  // Batches are prepared here (their signature checks). No append waits
  // on a thread for its group (the group commit answers by callback, on
  // its own thread), so about one per core is enough; more only take CPU
  // from the committing thread (docs/PERFORMANCE.md).
  int append_threads = 4;
  // Projection reads (flags, balances, historic as_of: they may take
  // seconds) run here, at most read_queue_depth more waiting for a thread;
  // beyond that 503 overloaded (API.md amended 2026-12).
  int read_threads = 4;
  int read_queue_depth = limits::kMaxQueuedProjectionReads;
  // Reads with an as_of before the newest date in the log fold the log
  // (seconds at 1M entries): they run in their own lane, so the reads
  // above never wait behind them; beyond its queue, 503 overloaded too.
  int historic_read_threads = limits::kHistoricReadThreads;
  int historic_queue_depth = limits::kMaxQueuedHistoricReads;
  // Entries and proofs (short RocksDB reads) have their own pool, so they
  // never wait behind projection reads.
  int ledger_read_threads = 2;
  int max_connections = limits::kMaxConnections;
  // Per client address, loopback included; over it a new connection is
  // closed at once. At max_connections an idle keep-alive connection is
  // closed to make room for the new one.
  int max_connections_per_address = limits::kMaxConnectionsPerAddress;
  std::size_t header_limit = limits::kMaxHeaderBytes;
  std::size_t body_limit = limits::kMaxBodyBytes;
  std::chrono::milliseconds idle_timeout{limits::kIdleTimeout};
  std::chrono::milliseconds request_timeout{limits::kRequestTimeout};
  // A new connection's whole first request, from the accept.
  std::chrono::milliseconds first_request_timeout{limits::kFirstRequestTimeout};
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds shutdown_timeout{30'000};
  double agency_rate = 0;  // events/s per agency; 0: unlimited
  // The projection worker the projection reads use (owned by the caller,
  // which stops it after Stop()); null: those reads answer 503.
  replay::Projections* projections = nullptr;
  // How long a projection read with min_seq waits (API.md: up to 5 s). The
  // wait holds no thread: the request is re-checked on a timer.
  std::chrono::milliseconds projection_wait{limits::kMinSeqWait};
  // One JSON line per request (no trailing newline); null: no log.
  std::function<void(std::string_view)> access_log;
  // Tests only: runs on the read thread before each projection read (its
  // route template; whether it went to the historic lane), e.g. to hold
  // the read pool busy. Null otherwise.
  std::function<void(std::string_view route, bool historic)>
      before_projection_read;
  // With `serve --witness`: where the witnessed checkpoint is kept (owned
  // by the caller, outlives the server); null: no witnesses.
  const WitnessedCheckpoint* witnessed = nullptr;
};

class Server {
 public:
  Server(Ledger& ledger, ServerOptions options);
  ~Server();  // Stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the threads.
  Status Start();
  // The bound port (useful with port 0).
  unsigned short port() const;
  int open_connections() const;
  // Projection reads waiting for a read thread (not yet running).
  int queued_projection_reads() const;
  // Historic as_of reads waiting for a thread of their lane.
  int queued_historic_reads() const;

  // Graceful: stops accepting, closes idle connections, lets requests
  // already read finish (appends included) and answers them with
  // Connection: close, then joins every thread. After shutdown_timeout
  // the remaining connections are dropped; appends still running are
  // waited for. Idempotent; safe from any thread but the server's own.
  void Stop();

  struct Impl;  // in http_server.cpp, with the sessions that use it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace fl::http
