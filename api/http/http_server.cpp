// The listener, the connection table and Start/Stop; each connection is a
// Session (http_session.cpp) on its own strand; handlers that block run on
// thread pools and resume the session on its strand with the response.
#include "api/http/http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <exception>

#include "api/http/http_problem.h"
#include "api/http/http_session.h"
#include "api/http/server_impl.h"
#include "api/http/tls_context.h"

namespace fl::http {
namespace {

Result<tcp::endpoint> ParseListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "--listen wants HOST:PORT");
  }
  std::string host = listen.substr(0, colon);
  std::string port = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "bad port in --listen " + listen);
  }
  net::io_context resolver_ioc;
  tcp::resolver resolver(resolver_ioc);
  beast::error_code ec;
  auto results = resolver.resolve(host, port, tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "cannot resolve " + host + ": " + ec.message());
  }
  return results.begin()->endpoint();
}

}  // namespace

void Server::Impl::DoAccept() {
  acceptor.async_accept(net::make_strand(ioc),
                        [this](beast::error_code ec, tcp::socket socket) {
                          OnAccept(ec, std::move(socket));
                        });
}

void Server::Impl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (!acceptor.is_open() || ec == net::error::operation_aborted) return;
  if (ec) {
    // Usually out of file descriptors: wait a little instead of spinning.
    accept_retry.expires_after(std::chrono::milliseconds(50));
    accept_retry.async_wait([this](beast::error_code wec) {
      if (!wec && acceptor.is_open()) DoAccept();
    });
    return;
  }
  if (stopping) {
    socket.close(ec);
    return;
  }
  auto session = std::make_shared<Session>(*this, std::move(socket));
  // Over the connection cap the session is dropped at once: a closed
  // connection is API.md's answer, and costs other clients nothing.
  if (AddConnection(session.get(), session)) session->Start();
  DoAccept();
}

bool Server::Impl::AddConnection(Session* s,
                                 const std::shared_ptr<Session>& strong) {
  // Sessions EvictIdle took a reference to, released after mu: one may be
  // the last reference, and a Session's destructor takes mu.
  std::vector<std::shared_ptr<Session>> held;
  std::lock_guard lock(mu);
  // Counted in any case: the destructor of a refused session removes it.
  ++connections;
  int& from_address = ++per_address[s->address()];
  sessions.emplace(s, strong);
  // One address cannot take the whole table (API.md amended 2026-12).
  if (from_address > options.max_connections_per_address) return false;
  // At the cap, an idle keep-alive connection makes room: it costs its
  // client a reconnect, where refusing would cost the new client service.
  if (connections - evicting > options.max_connections && !EvictIdle(s, held)) {
    return false;
  }
  metrics.Connections(connections);
  if (stopping) {
    net::post(strong->executor(), [strong] { strong->Shutdown(); });
  }
  return true;
}

bool Server::Impl::EvictIdle(Session* except,
                             std::vector<std::shared_ptr<Session>>& held) {
  for (auto& [ptr, weak] : sessions) {
    // A listed session is alive while we hold mu (its destructor waits for
    // mu to unlist it), so its flag can be read before taking a reference.
    if (ptr == except || !ptr->IdleKeepAlive()) continue;
    auto victim = weak.lock();
    if (!victim) continue;
    held.push_back(victim);
    if (!victim->MarkEvicted()) continue;
    ++evicting;
    net::post(victim->executor(), [victim] { victim->Evict(); });
    return true;
  }
  return false;
}

void Server::Impl::RemoveConnection(Session* s, const std::string& address,
                                    bool evicted) {
  std::lock_guard lock(mu);
  sessions.erase(s);
  --connections;
  if (evicted) --evicting;
  if (auto it = per_address.find(address);
      it != per_address.end() && --it->second == 0) {
    per_address.erase(it);
  }
  metrics.Connections(connections);
  drained.notify_all();
}

Server::Server(Ledger& ledger, ServerOptions options)
    : impl_(std::make_unique<Impl>(ledger, std::move(options))) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  Impl& s = *impl_;
  if (s.started) return Internal("server already started");
  auto endpoint = ParseListen(s.options.listen);
  if (!endpoint.ok()) return endpoint.error();
  if (!s.options.tls_cert_file.empty() || !s.options.tls_key_file.empty()) {
    auto tls = MakeTlsContext(s.options.tls_cert_file, s.options.tls_key_file);
    if (!tls.ok()) return tls.error();
    s.tls = std::move(*tls);
  }
  if (Status plain = CheckPlainHttpAllowed(
          endpoint->address(), s.tls != nullptr, s.options.insecure_http);
      !plain.ok()) {
    return plain;
  }
  beast::error_code ec;
  s.acceptor.open(endpoint->protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(*endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Internal("cannot listen on " + s.options.listen + ": " +
                    ec.message());
  }
  s.bound_port = s.acceptor.local_endpoint().port();
  s.work.emplace(s.ioc.get_executor());
  s.started = true;
  net::dispatch(s.acceptor.get_executor(), [&s] { s.DoAccept(); });
  int n =
      s.options.io_threads > 0
          ? s.options.io_threads
          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < n; ++i) {
    s.io_threads.emplace_back([&s] {
      for (;;) {
        try {
          s.ioc.run();
          return;
        } catch (const std::exception& e) {
          // A handler bug must not take the server down silently.
          s.Log(Dump(Json{{"error", std::string("io thread: ") + e.what()}}));
        }
      }
    });
  }
  return Status::Ok();
}

unsigned short Server::port() const { return impl_->bound_port; }

int Server::open_connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->connections;
}

int Server::queued_projection_reads() const {
  return impl_->projection_queued.load();
}

int Server::queued_historic_reads() const {
  return impl_->historic_queued.load();
}

void Server::Stop() {
  Impl& s = *impl_;
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(s.mu);
    if (!s.started || s.stopped) return;
    s.stopped = true;
    s.stopping = true;
    for (auto& [ptr, weak] : s.sessions) {
      if (auto strong = weak.lock()) live.push_back(std::move(strong));
    }
  }
  net::post(s.acceptor.get_executor(), [&s] {
    beast::error_code ec;
    s.acceptor.close(ec);
    s.accept_retry.cancel();
  });
  for (auto& session : live) {
    net::post(session->executor(), [session] { session->Shutdown(); });
  }
  live.clear();  // the sessions must be able to die
  {
    std::unique_lock lock(s.mu);
    s.drained.wait_for(lock, s.options.shutdown_timeout,
                       [&s] { return s.connections == 0; });
  }
  s.work.reset();
  s.ioc.stop();
  for (auto& t : s.io_threads) t.join();
  s.io_threads.clear();
  // In-flight appends finish (their entries are synced) before the caller
  // may close the ledger.
  s.append_pool.join();
  s.commit_pool.join();  // after the pool that may launch commits
  s.read_pool.join();
  s.projection_pool.join();
  s.historic_pool.join();
}

}  // namespace fl::http
