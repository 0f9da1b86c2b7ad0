// The Server's shared state (listener, thread pools, connection table),
// seen by the sessions; private to api/http (Beast and Asio stay here).
#pragma once

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/http/entry_scope.h"
#include "api/http/http_handlers.h"
#include "api/http/http_server.h"
#include "api/http/metrics.h"
#include "api/http/rate_limit.h"
#include "api/http/tokens.h"

namespace fl::http {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

class Session;

struct Server::Impl {
  Impl(Ledger& l, ServerOptions o)
      : ledger(l),
        options(std::move(o)),
        tokens(options.tokens_file),
        scope(l),
        rate(options.agency_rate > 0
                 ? std::make_unique<RateLimiter>(options.agency_rate)
                 : nullptr),
        ctx{l,
            tokens,
            metrics,
            scope,
            rate.get(),
            options.data_dir,
            options.projections,
            options.projection_wait,
            options.witnessed},
        acceptor(net::make_strand(ioc)),
        accept_retry(acceptor.get_executor()),
        append_pool(
            static_cast<std::size_t>(std::max(1, options.append_threads))),
        read_pool(
            static_cast<std::size_t>(std::max(1, options.ledger_read_threads))),
        projection_pool(
            static_cast<std::size_t>(std::max(1, options.read_threads))),
        historic_pool(static_cast<std::size_t>(
            std::max(1, options.historic_read_threads))) {
    ctx.launch_commit = [this](std::function<void()> lead) {
      net::post(commit_pool, std::move(lead));
    };
  }

  void DoAccept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  // Admits a new session, or false: over its address's cap, or over the
  // total cap with no idle keep-alive connection to close for it.
  bool AddConnection(Session* s, const std::shared_ptr<Session>& strong);
  void RemoveConnection(Session* s, const std::string& address, bool evicted);
  // Under mu: closes one idle keep-alive connection (on its strand) to
  // make room at the connection cap; false if there is none. References it
  // takes go to `held`, for the caller to drop after unlocking mu.
  bool EvictIdle(Session* except, std::vector<std::shared_ptr<Session>>& held);
  void Log(const std::string& line) const {
    if (options.access_log) options.access_log(line);
  }

  Ledger& ledger;
  ServerOptions options;
  TokenStore tokens;
  Metrics metrics;
  EntryScope scope;
  std::unique_ptr<RateLimiter> rate;
  ApiContext ctx;
  // Set by Start when options.tls_cert_file is: every session is TLS.
  std::unique_ptr<net::ssl::context> tls;

  // Declared before ioc: sessions destroyed with ioc's pending handlers
  // still unregister here.
  std::mutex mu;
  std::condition_variable drained;
  int connections = 0;
  // Idle connections told to close, still counted until they have.
  int evicting = 0;
  std::unordered_map<std::string, int> per_address;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  // Projection reads posted but not started (bounded by read_queue_depth).
  std::atomic<int> projection_queued{0};
  std::atomic<int> historic_queued{0};  // bounded by historic_queue_depth
  std::atomic<bool> stopping{false};
  bool started = false, stopped = false;

  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  tcp::acceptor acceptor;
  net::steady_timer accept_retry;
  unsigned short bound_port = 0;
  std::vector<std::thread> io_threads;
  net::thread_pool append_pool;
  // The group commit's leader (Ledger::AppendAsync's launch): one at a
  // time, on a thread no preparing work queues in front of.
  net::thread_pool commit_pool{1};
  net::thread_pool read_pool;        // entries, proofs, status
  net::thread_pool projection_pool;  // projection reads
  net::thread_pool historic_pool;    // projection reads at an earlier as_of
};

}  // namespace fl::http
