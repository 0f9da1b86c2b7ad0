// One keep-alive connection, in the style of Beast's advanced server: on
// its own strand, idle wait for the first byte, header and body under one
// deadline, the handler inline or on a pool, the response written back on
// the strand. A read held for min_seq is re-checked on a timer.
#pragma once

#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>
#include <optional>
#include <string>

#include "api/http/http_message.h"
#include "api/http/http_router.h"
#include "api/http/server_impl.h"

namespace fl::http {

namespace bhttp = boost::beast::http;

class Session : public std::enable_shared_from_this<Session> {
 public:
  // Over TLS when the server has a TLS context (serve --tls-cert).
  Session(Server::Impl& server, tcp::socket&& socket);
  ~Session() { server_.RemoveConnection(this, remote_, evicted_.load()); }

  net::any_io_executor executor() { return tcp_layer().get_executor(); }
  // The client's address (per-address connection cap); "" if unknown.
  const std::string& address() const { return remote_; }

  void Start();

  // Idle between requests after having served one (any thread).
  bool IdleKeepAlive() const { return idle_keep_alive_.load(); }
  // Claims this session for eviction; false if already claimed.
  bool MarkEvicted() { return !evicted_.exchange(true); }
  // On the strand: closes the connection if it is still idle; otherwise
  // (a request just began) gives the claim back and carries on.
  void Evict();

  // Server stopping: close an idle or half-read connection now; a request
  // being handled is answered first (with Connection: close).
  void Shutdown();

 private:
  enum class State { kIdle, kReading, kHandling, kWriting, kLinger, kClosed };

  const ServerOptions& opt() const { return server_.options; }

  // The TCP stream under TLS (deadlines, shutdown) or the plain one.
  beast::tcp_stream& tcp_layer() {
    return tls_ ? beast::get_lowest_layer(*tls_) : *plain_;
  }
  // Runs `f` with the stream requests and responses go through.
  template <class F>
  void WithStream(F&& f) {
    if (tls_) {
      f(*tls_);
    } else {
      f(*plain_);
    }
  }

  void OnHandshake(beast::error_code ec);
  void WaitForRequest();
  void OnFirstBytes(beast::error_code ec, std::size_t n);
  void ReadHeader();
  void OnHeader(beast::error_code ec, std::size_t);
  void ReadBody();
  void OnRequest(beast::error_code ec, std::size_t);

  // Runs the handler inline or on its pool, then Finish on the strand.
  void Dispatch(const Route* route, HttpRequest req, bool again);
  // A projection read whose as_of is before the newest date in the log,
  // unless the day histories answer it.
  bool IsHistoricRead(const Route& route, const HttpRequest& req) const;

  // A response with `ready` (a read waiting for min_seq) is held: the
  // session re-checks it on a timer, holding no pool or I/O thread, and
  // runs the handler once more when it is ready; otherwise (time up, or
  // the server stopping) the held response (503) is sent.
  void Finish(const Route* route, HttpRequest req, HttpResponse res,
              bool again);
  void PollHeld();
  static HttpResponse Run(ApiContext& ctx, const Route& route,
                          const HttpRequest& req);
  // Runs a replying handler (the appends) on this pool thread; its answer,
  // from whichever thread gives it, goes to Write on the strand.
  void RunReplying(const Route& route, const HttpRequest& req);
  void Write(HttpResponse res, bool close = false);
  void OnWrite(beast::error_code ec, std::size_t bytes, bool keep_alive,
               bool linger);
  void RespondTooLarge();

  // Answers a request whose rest we will not read, then closes softly.
  void RespondAndLinger(HttpResponse res);
  void Linger();
  void DrainSome();
  void Close();
  // Until the first request has been read: accept + first_request_timeout.
  void ExpireForRequest(std::chrono::milliseconds from_now);
  Server::Impl& server_;
  // Exactly one is set.
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
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
  const Clock::time_point accepted_ = Clock::now();
  bool served_any_ = false;  // a whole request has been read
  std::atomic<bool> idle_keep_alive_{false};
  std::atomic<bool> evicted_{false};
  // For the log line and metrics of the request being answered.
  std::string remote_, method_, path_, route_, code_;
  int status_ = 0;
};

}  // namespace fl::http
