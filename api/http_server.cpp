// Listener, sessions and limits, in the style of Beast's advanced server:
// each connection is a Session on its own strand; handlers that block run
// on thread pools and resume the session on its strand with the response.
#include "api/http_server.h"

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/entry_scope.h"
#include "api/http_handlers.h"
#include "api/http_problem.h"
#include "api/http_router.h"
#include "api/metrics.h"
#include "api/rate_limit.h"
#include "api/tokens.h"
#include "ledger/entry.h"

namespace fl::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// After answering a request we will not read (413, 431), keep reading
// and discarding for a while so the client gets our answer instead of a
// reset caused by unread bytes.
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::size_t kLingerBytes = 4 << 20;

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

bool IsLoopback(const net::ip::address& a) {
  if (a.is_loopback()) return true;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6())
        .is_loopback();
  }
  return false;
}

std::string AccessLogLine(const std::string& method, const std::string& path,
                          int status, const std::string& code, double ms,
                          std::size_t bytes, const std::string& remote) {
  Json line = {
      {"ts", NowTimestamp()},
      {"remote", remote},
      {"method", method},
      {"path", path},
      {"status", status},
      {"code", code.empty() ? Json(nullptr) : Json(code)},
      {"ms", static_cast<double>(static_cast<long long>(ms * 1000)) / 1000.0},
      {"bytes", bytes}};
  return Dump(line);
}

}  // namespace

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
            options.projection_wait},
        acceptor(net::make_strand(ioc)),
        accept_retry(acceptor.get_executor()),
        append_pool(
            static_cast<std::size_t>(std::max(1, options.append_threads))),
        read_pool(static_cast<std::size_t>(std::max(1, options.read_threads))) {
  }

  void DoAccept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  bool AddConnection(Session* s, const std::shared_ptr<Session>& strong);
  void RemoveConnection(Session* s);
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

  // Declared before ioc: sessions destroyed with ioc's pending handlers
  // still unregister here.
  std::mutex mu;
  std::condition_variable drained;
  int connections = 0;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  std::atomic<bool> stopping{false};
  bool started = false, stopped = false;

  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  tcp::acceptor acceptor;
  net::steady_timer accept_retry;
  unsigned short bound_port = 0;
  std::vector<std::thread> io_threads;
  net::thread_pool append_pool;
  net::thread_pool read_pool;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Server::Impl& server, tcp::socket&& socket)
      : server_(server),
        stream_(std::move(socket)),
        wait_timer_(stream_.get_executor()) {
    beast::error_code ec;
    auto peer = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      loopback_ = IsLoopback(peer.address());
      remote_ = peer.address().to_string();
    }
  }
  ~Session() { server_.RemoveConnection(this); }

  net::any_io_executor executor() { return stream_.get_executor(); }

  void Start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::WaitForRequest,
                                            shared_from_this()));
  }

  // Server stopping: close an idle or half-read connection now; a request
  // being handled is answered first (with Connection: close).
  void Shutdown() {
    stopping_ = true;
    if (state_ == State::kIdle || state_ == State::kReading ||
        state_ == State::kLinger) {
      Close();
    }
    // A read held for min_seq is answered now (with its 503).
    wait_timer_.cancel();
  }

 private:
  enum class State { kIdle, kReading, kHandling, kWriting, kLinger, kClosed };

  const ServerOptions& opt() const { return server_.options; }

  void WaitForRequest() {
    if (stopping_ || state_ == State::kClosed) return Close();
    state_ = State::kIdle;
    if (buffer_.size() > 0) return ReadHeader();  // pipelined request
    // Idle keep-alive: the next request's first byte within 60 s.
    stream_.expires_after(opt().idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(4096),
        beast::bind_front_handler(&Session::OnFirstBytes, shared_from_this()));
  }

  void OnFirstBytes(beast::error_code ec, std::size_t n) {
    if (ec || state_ == State::kClosed)
      return Close();  // timeout, EOF, reset, or closed by Shutdown
    buffer_.commit(n);
    ReadHeader();
  }

  void ReadHeader() {
    state_ = State::kReading;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(opt().header_limit));
    parser_->body_limit(opt().body_limit);
    // The whole request within 10 s of its first byte, which is here.
    stream_.expires_after(opt().request_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, std::size_t) {
    // Closed by Shutdown after the read completed: drop the request.
    if (state_ == State::kClosed) return;
    if (ec == bhttp::error::header_limit) {
      return RespondAndLinger(Problem(431, "payload_too_large",
                                      "request header over " +
                                          std::to_string(opt().header_limit) +
                                          " bytes"));
    }
    // Beast compares Content-Length with the body limit itself.
    if (ec == bhttp::error::body_limit) return RespondTooLarge();
    if (ec) return Close();  // timeout, closed, or not HTTP
    auto length = parser_->content_length();
    if (length && *length > opt().body_limit) return RespondTooLarge();
    auto& req = parser_->get();
    if (beast::iequals(req[bhttp::field::expect], "100-continue")) {
      // curl and others wait for this before sending a body.
      auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(
          bhttp::status::continue_, req.version());
      bhttp::async_write(stream_, *cont,
                         [self = shared_from_this(), cont](
                             beast::error_code wec, std::size_t) {
                           if (wec || self->state_ == State::kClosed)
                             return self->Close();
                           self->ReadBody();
                         });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::OnRequest, shared_from_this()));
  }

  void OnRequest(beast::error_code ec, std::size_t) {
    if (state_ == State::kClosed) return;  // see OnHeader
    if (ec == bhttp::error::body_limit) return RespondTooLarge();
    if (ec) return Close();
    stream_.expires_never();  // handling time is ours, not the client's
    state_ = State::kHandling;
    started_ = Clock::now();

    auto msg = parser_->release();
    parser_.reset();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    std::string_view target = msg.target();
    auto q = target.find('?');
    req.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) {
      req.query = ParseQuery(target.substr(q + 1));
    }
    req.content_type = std::string(msg[bhttp::field::content_type]);
    req.authorization = std::string(msg[bhttp::field::authorization]);
    req.body = std::move(msg.body());
    req.loopback = loopback_;
    method_ = req.method;
    path_ = req.path;

    RouteMatch match = MatchRoute(req.method, req.path);
    if (!match.route) {
      route_ = "unmatched";
      return Write(NoRoute(match, req.path));
    }
    const Route* route = match.route;
    route_ = std::string(route->method) + " " + std::string(route->path);
    req.params = std::move(match.params);
    Dispatch(route, std::move(req), /*again=*/false);
  }

  // Runs the handler inline or on its pool, then Finish on the strand.
  void Dispatch(const Route* route, HttpRequest req, bool again) {
    if (route->pool == Pool::kInline) {
      HttpResponse res = Run(server_.ctx, *route, req);
      return Finish(route, std::move(req), std::move(res), again);
    }
    auto& pool =
        route->pool == Pool::kAppend ? server_.append_pool : server_.read_pool;
    net::post(pool, [self = shared_from_this(), route, req = std::move(req),
                     again]() mutable {
      HttpResponse res = Run(self->server_.ctx, *route, req);
      net::post(self->stream_.get_executor(),
                [self, route, req = std::move(req), res = std::move(res),
                 again]() mutable {
                  self->Finish(route, std::move(req), std::move(res), again);
                });
    });
  }

  // A response with `ready` (a read waiting for min_seq) is held: the
  // session re-checks it on a timer, holding no pool or I/O thread, and
  // runs the handler once more when it is ready; otherwise (time up, or
  // the server stopping) the held response (503) is sent.
  void Finish(const Route* route, HttpRequest req, HttpResponse res,
              bool again) {
    if (!res.ready || again || stopping_ || state_ == State::kClosed) {
      return Write(std::move(res));
    }
    held_route_ = route;
    held_req_ = std::move(req);
    held_res_ = std::move(res);
    wait_deadline_ = Clock::now() + held_res_.wait_for;
    wait_step_ = std::chrono::milliseconds(1);
    PollHeld();
  }

  void PollHeld() {
    if (state_ == State::kClosed) return;
    if (held_res_.ready()) {
      return Dispatch(held_route_, std::move(held_req_), /*again=*/true);
    }
    auto now = Clock::now();
    if (stopping_ || now >= wait_deadline_) return Write(std::move(held_res_));
    // 1, 2, 4 .. 16 ms between checks: prompt for read-your-writes, cheap
    // for many waiting requests.
    wait_timer_.expires_after(
        std::min<Clock::duration>(wait_step_, wait_deadline_ - now));
    wait_step_ = std::min(wait_step_ * 2, std::chrono::milliseconds(16));
    wait_timer_.async_wait(
        [self = shared_from_this()](beast::error_code) { self->PollHeld(); });
  }

  static HttpResponse Run(ApiContext& ctx, const Route& route,
                          const HttpRequest& req) {
    try {
      return route.handler(ctx, req);
    } catch (const std::exception& e) {
      return Problem(500, "internal", e.what());
    }
  }

  void Write(HttpResponse res, bool close = false) {
    state_ = State::kWriting;
    code_ = res.code;
    status_ = res.status;
    auto out = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(res.status), version_ ? version_ : 11);
    out->set(bhttp::field::server, "fundledger");
    out->set(bhttp::field::content_type, res.content_type);
    for (auto& [name, value] : res.headers) out->set(name, value);
    if (res.status == 200 || res.status == 201) {
      out->set(bhttp::field::cache_control, "no-store");
    }
    out->body() = std::move(res.body);
    out->keep_alive(keep_alive_ && !close && !stopping_);
    out->prepare_payload();
    stream_.expires_after(opt().write_timeout);
    bhttp::async_write(stream_, *out,
                       [self = shared_from_this(), out, close](
                           beast::error_code ec, std::size_t) {
                         self->OnWrite(ec, out->body().size(),
                                       out->keep_alive(), close);
                       });
  }

  void OnWrite(beast::error_code ec, std::size_t bytes, bool keep_alive,
               bool linger) {
    double seconds =
        std::chrono::duration<double>(Clock::now() - started_).count();
    server_.metrics.Request(route_, status_, code_, seconds);
    server_.Log(AccessLogLine(method_, path_, status_, code_, seconds * 1000,
                              bytes, remote_));
    if (ec) return Close();
    if (linger) return Linger();
    if (!keep_alive) return Close();
    WaitForRequest();
  }

  void RespondTooLarge() {
    RespondAndLinger(Problem(413, "payload_too_large",
                             "request body over the limit of " +
                                 std::to_string(opt().body_limit) + " bytes"));
  }

  // Answers a request whose rest we will not read, then closes softly.
  void RespondAndLinger(HttpResponse res) {
    started_ = Clock::now();
    // The start line is parsed before any limit can trip, so name it in
    // the log even when the header is incomplete.
    if (parser_) {
      method_ = std::string(parser_->get().method_string());
      std::string_view target = parser_->get().target();
      path_ = std::string(target.substr(0, target.find('?')));
      version_ = parser_->get().version();
    }
    route_ = "limits";
    keep_alive_ = false;
    Write(std::move(res), /*close=*/true);
  }

  void Linger() {
    if (stopping_) return Close();
    state_ = State::kLinger;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(kLingerTime);
    DrainSome();
  }

  void DrainSome() {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(
        buffer_.prepare(64 * 1024),
        [self = shared_from_this()](beast::error_code ec, std::size_t n) {
          self->drained_ += n;
          if (ec || self->drained_ > kLingerBytes) return self->Close();
          self->DrainSome();
        });
  }

  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  Server::Impl& server_;
  beast::tcp_stream stream_;
  net::steady_timer wait_timer_;  // a read held for min_seq
  const Route* held_route_ = nullptr;
  HttpRequest held_req_;
  HttpResponse held_res_;
  Clock::time_point wait_deadline_;
  std::chrono::milliseconds wait_step_{1};
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  State state_ = State::kIdle;
  bool stopping_ = false;
  bool keep_alive_ = true;
  bool loopback_ = false;
  unsigned version_ = 11;
  std::size_t drained_ = 0;
  Clock::time_point started_ = Clock::now();
  // For the log line and metrics of the request being answered.
  std::string remote_, method_, path_, route_, code_;
  int status_ = 0;
};

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
  std::lock_guard lock(mu);
  // Counted in any case: the destructor of a refused session removes it.
  ++connections;
  sessions.emplace(s, strong);
  if (connections > options.max_connections) return false;
  metrics.Connections(connections);
  if (stopping) {
    net::post(strong->executor(), [strong] { strong->Shutdown(); });
  }
  return true;
}

void Server::Impl::RemoveConnection(Session* s) {
  std::lock_guard lock(mu);
  sessions.erase(s);
  --connections;
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
  s.read_pool.join();
}

}  // namespace fl::http
