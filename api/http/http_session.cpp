#include "api/http/http_session.h"

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <exception>
#include <memory>

#include "api/http/console_http.h"
#include "api/http/http_problem.h"
#include "ledger/entry.h"  // NowTimestamp
#include "replay/projections.h"

namespace fl::http {
namespace {

// After answering a request we will not read (413, 431), keep reading
// and discarding for a while so the client gets our answer instead of a
// reset caused by unread bytes.
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::size_t kLingerBytes = 4 << 20;

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

Session::Session(Server::Impl& server, tcp::socket&& socket)
    : server_(server), wait_timer_(socket.get_executor()) {
  if (server.tls) {
    tls_.emplace(std::move(socket), *server.tls);
  } else {
    plain_.emplace(std::move(socket));
  }
  beast::error_code ec;
  auto peer = tcp_layer().socket().remote_endpoint(ec);
  if (!ec) {
    loopback_ = IsLoopback(peer.address());
    remote_ = peer.address().to_string();
  }
}

void Session::Start() {
  if (!tls_) {
    net::dispatch(tcp_layer().get_executor(),
                  beast::bind_front_handler(&Session::WaitForRequest,
                                            shared_from_this()));
    return;
  }
  // The handshake is part of the first request: it must be done within
  // the first-request deadline too (API.md amended 2026-12).
  net::dispatch(tcp_layer().get_executor(), [self = shared_from_this()] {
    if (self->stopping_ || self->state_ == State::kClosed) return self->Close();
    self->state_ = State::kReading;
    self->ExpireForRequest(self->opt().first_request_timeout);
    self->tls_->async_handshake(
        net::ssl::stream_base::server,
        beast::bind_front_handler(&Session::OnHandshake, self));
  });
}

void Session::OnHandshake(beast::error_code ec) {
  // A failed handshake (wrong protocol version, plain HTTP, timeout) just
  // closes: there is no channel to answer on.
  if (ec || state_ == State::kClosed) return Close();
  WaitForRequest();
}

void Session::Shutdown() {
  stopping_ = true;
  if (state_ == State::kIdle || state_ == State::kReading ||
      state_ == State::kLinger) {
    Close();
  }
  // A read held for min_seq is answered now (with its 503).
  wait_timer_.cancel();
}

void Session::Evict() {
  if (state_ == State::kIdle && idle_keep_alive_.load()) return Close();
  std::lock_guard lock(server_.mu);
  --server_.evicting;
  evicted_ = false;
}

void Session::ExpireForRequest(std::chrono::milliseconds from_now) {
  auto deadline = Clock::now() + from_now;
  // API.md (amended 2026-12): a new connection's first request must have
  // arrived within 10 s of the accept, however slowly it trickles in.
  if (!served_any_) {
    deadline = std::min(deadline, accepted_ + opt().first_request_timeout);
  }
  tcp_layer().expires_at(deadline);
}

void Session::WaitForRequest() {
  if (stopping_ || state_ == State::kClosed) return Close();
  state_ = State::kIdle;
  if (buffer_.size() > 0) return ReadHeader();  // pipelined request
  // Idle keep-alive: the next request's first byte within 60 s.
  ExpireForRequest(opt().idle_timeout);
  idle_keep_alive_ = served_any_;
  WithStream([&](auto& stream) {
    stream.async_read_some(
        buffer_.prepare(4096),
        beast::bind_front_handler(&Session::OnFirstBytes, shared_from_this()));
  });
}

void Session::OnFirstBytes(beast::error_code ec, std::size_t n) {
  idle_keep_alive_ = false;
  if (ec || state_ == State::kClosed)
    return Close();  // timeout, EOF, reset, or closed by Shutdown
  buffer_.commit(n);
  ReadHeader();
}

void Session::ReadHeader() {
  idle_keep_alive_ = false;
  state_ = State::kReading;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(opt().header_limit));
  parser_->body_limit(opt().body_limit);
  // The whole request within 10 s of its first byte, which is here.
  ExpireForRequest(opt().request_timeout);
  WithStream([&](auto& stream) {
    bhttp::async_read_header(
        stream, buffer_, *parser_,
        beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  });
}

void Session::OnHeader(beast::error_code ec, std::size_t) {
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
    WithStream([&](auto& stream) {
      bhttp::async_write(stream, *cont,
                         [self = shared_from_this(), cont](
                             beast::error_code wec, std::size_t) {
                           if (wec || self->state_ == State::kClosed)
                             return self->Close();
                           self->ReadBody();
                         });
    });
    return;
  }
  ReadBody();
}

void Session::ReadBody() {
  WithStream([&](auto& stream) {
    bhttp::async_read(
        stream, buffer_, *parser_,
        beast::bind_front_handler(&Session::OnRequest, shared_from_this()));
  });
}

void Session::OnRequest(beast::error_code ec, std::size_t) {
  if (state_ == State::kClosed) return;  // see OnHeader
  if (ec == bhttp::error::body_limit) return RespondTooLarge();
  if (ec) return Close();
  tcp_layer().expires_never();  // handling time is ours, not the client's
  state_ = State::kHandling;
  served_any_ = true;
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
  req.accept_encoding = std::string(msg[bhttp::field::accept_encoding]);
  req.body = std::move(msg.body());
  req.loopback = loopback_;
  method_ = req.method;
  path_ = req.path;

  RouteMatch match = MatchRoute(req.method, req.path);
  if (!match.route) {
    // The console's web files at / and /console/ (api/console/).
    if (auto page = console::ServeConsole(req)) {
      route_ = "console";
      return Write(std::move(*page));
    }
  }
  if (!match.route) {
    route_ = "unmatched";
    return Write(NoRoute(match, req.path));
  }
  const Route* route = match.route;
  route_ = std::string(route->method) + " " + std::string(route->path);
  req.params = std::move(match.params);
  Dispatch(route, std::move(req), /*again=*/false);
}

bool Session::IsHistoricRead(const Route& route, const HttpRequest& req) const {
  const replay::Projections* p = server_.ctx.projections;
  auto it = req.query.find("as_of");
  if (!p || it == req.query.end() || !p->IsHistoric(it->second)) return false;
  return !(route.day_history && p->HistoryHolds(it->second));
}

void Session::Dispatch(const Route* route, HttpRequest req, bool again) {
  // The appends. POST /v1/events is prepared here (one signature check,
  // ~35 us) and handed to the group commit, whose leader runs on the
  // commit thread: no thread hand-off per request while groups follow
  // each other. A batch is prepared on the append pool.
  if (route->replying) {
    if (route->pool == Pool::kInline) return RunReplying(*route, req);
    return net::post(server_.append_pool,
                     [self = shared_from_this(), route, req = std::move(req)] {
                       self->RunReplying(*route, req);
                     });
  }
  if (route->pool == Pool::kInline) {
    HttpResponse res = Run(server_.ctx, *route, req);
    return Finish(route, std::move(req), std::move(res), again);
  }
  const bool projection = route->pool == Pool::kProjection;
  // A read at an earlier as_of that may fold the whole log waits in its
  // own lane, so reads at the current date, and reads the day histories
  // answer, never queue behind folds.
  const bool historic = projection && IsHistoricRead(*route, req);
  if (projection) {
    // API.md (amended 2026-12): a bounded queue. Refusing at once costs
    // nothing and keeps memory and waiting times bounded.
    auto& queued =
        historic ? server_.historic_queued : server_.projection_queued;
    const int depth =
        historic ? opt().historic_queue_depth : opt().read_queue_depth;
    if (queued.fetch_add(1) >= depth) {
      queued.fetch_sub(1);
      HttpResponse res = Problem(
          503, "overloaded",
          std::string(historic ? "too many historic as_of reads waiting ("
                               : "too many projection reads waiting (") +
              std::to_string(depth) + "); retry shortly");
      return Write(std::move(res));
    }
  }
  auto& pool = historic     ? server_.historic_pool
               : projection ? server_.projection_pool
                            : server_.read_pool;
  net::post(pool, [self = shared_from_this(), route, req = std::move(req),
                   again, projection, historic]() mutable {
    if (projection) {
      (historic ? self->server_.historic_queued
                : self->server_.projection_queued)
          .fetch_sub(1);
      const auto& hook = self->opt().before_projection_read;
      if (hook) hook(route->path, historic);
    }
    HttpResponse res = Run(self->server_.ctx, *route, req);
    net::post(self->tcp_layer().get_executor(),
              [self, route, req = std::move(req), res = std::move(res),
               again]() mutable {
                self->Finish(route, std::move(req), std::move(res), again);
              });
  });
}

void Session::Finish(const Route* route, HttpRequest req, HttpResponse res,
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

void Session::PollHeld() {
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

HttpResponse Session::Run(ApiContext& ctx, const Route& route,
                          const HttpRequest& req) {
  try {
    // ?format=csv (api/console/csv.h) on the reads that have one.
    return console::WithFormat(route.path, req, route.handler(ctx, req));
  } catch (const std::exception& e) {
    return Problem(500, "internal", e.what());
  }
}

void Session::RunReplying(const Route& route, const HttpRequest& req) {
  // An append's answer is never held (it has no `ready`), so it skips
  // Finish. `answered` keeps a throw after the handler has queued its
  // events from answering twice.
  auto answered = std::make_shared<std::atomic<bool>>(false);
  Reply reply = [self = shared_from_this(), answered](MakeResponse make) {
    if (answered->exchange(true)) return;
    net::post(self->tcp_layer().get_executor(), [self, make = std::move(make)] {
      HttpResponse res;
      try {
        res = make();
      } catch (const std::exception& e) {
        res = Problem(500, "internal", e.what());
      }
      self->Write(std::move(res));
    });
  };
  try {
    route.replying(server_.ctx, req, reply);
  } catch (const std::exception& e) {
    reply(Ready(Problem(500, "internal", e.what())));
  }
}

void Session::Write(HttpResponse res, bool close) {
  state_ = State::kWriting;
  code_ = res.code;
  status_ = res.status;
  auto out = std::make_shared<bhttp::response<bhttp::string_body>>(
      static_cast<bhttp::status>(res.status), version_ ? version_ : 11);
  out->set(bhttp::field::server, "fundledger");
  out->set(bhttp::field::content_type, res.content_type);
  // API answers are not cached unless the handler says otherwise (tiles).
  if (res.status == 200 || res.status == 201) {
    out->set(bhttp::field::cache_control, "no-store");
  }
  for (auto& [name, value] : res.headers) out->set(name, value);
  out->body() = std::move(res.body);
  out->keep_alive(keep_alive_ && !close && !stopping_);
  out->prepare_payload();
  tcp_layer().expires_after(opt().write_timeout);
  WithStream([&](auto& stream) {
    bhttp::async_write(stream, *out,
                       [self = shared_from_this(), out, close](
                           beast::error_code ec, std::size_t) {
                         self->OnWrite(ec, out->body().size(),
                                       out->keep_alive(), close);
                       });
  });
}

void Session::OnWrite(beast::error_code ec, std::size_t bytes, bool keep_alive,
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

void Session::RespondTooLarge() {
  RespondAndLinger(Problem(413, "payload_too_large",
                           "request body over the limit of " +
                               std::to_string(opt().body_limit) + " bytes"));
}

void Session::RespondAndLinger(HttpResponse res) {
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

void Session::Linger() {
  if (stopping_) return Close();
  state_ = State::kLinger;
  beast::error_code ec;
  // Under TLS this cuts the stream without close_notify: the answer was
  // complete (Content-Length), so the client loses nothing.
  tcp_layer().socket().shutdown(tcp::socket::shutdown_send, ec);
  tcp_layer().expires_after(kLingerTime);
  DrainSome();
}

void Session::DrainSome() {
  buffer_.consume(buffer_.size());
  // Raw bytes: after our shutdown_send TLS records are only discarded.
  tcp_layer().async_read_some(
      buffer_.prepare(64 * 1024),
      [self = shared_from_this()](beast::error_code ec, std::size_t n) {
        self->drained_ += n;
        if (ec || self->drained_ > kLingerBytes) return self->Close();
        self->DrainSome();
      });
}

void Session::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  idle_keep_alive_ = false;
  beast::error_code ec;
  tcp_layer().socket().shutdown(tcp::socket::shutdown_both, ec);
  tcp_layer().close();
}

}  // namespace fl::http
