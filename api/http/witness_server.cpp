#include "api/http/witness_server.h"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include "ledger/canonical_json.h"
#include "ledger/witness.h"

namespace fl::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

using Response = bhttp::response<bhttp::string_body>;

// tlog-witness status codes for the core's refusals (Witness names them).
int StatusFor(const Error& e) {
  if (e.reason == "malformed_request") return 400;
  if (e.reason == "bad_signature") return 403;
  if (e.reason == "unknown_log") return 404;
  if (e.reason == "old_size_mismatch") return 409;
  if (e.reason == "inconsistent_checkpoint") return 422;
  return e.code == Code::kUnavailable ? 503 : 500;
}

bool IsHexHash(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

struct WitnessServer::Impl {
  Impl(Witness& w, WitnessServerOptions o)
      : witness(w), options(std::move(o)), acceptor(net::make_strand(ioc)) {}

  Response Handle(const bhttp::request<bhttp::string_body>& req) {
    Response res{bhttp::status::ok, req.version()};
    res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
    std::string_view target(req.target().data(), req.target().size());
    auto text = [&](int status, std::string body) {
      res.result(static_cast<unsigned>(status));
      res.body() = std::move(body);
    };
    if (target == "/add-checkpoint") {
      if (req.method() != bhttp::verb::post) {
        text(405, "add-checkpoint is POST\n");
        res.set(bhttp::field::allow, "POST");
        return res;
      }
      std::uint64_t now =
          options.now
              ? options.now()
              : static_cast<std::uint64_t>(
                    std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count());
      AddCheckpointAnswer a = witness.AddCheckpoint(req.body(), now);
      if (!a.error) {
        text(200, a.cosignature);
      } else if (a.error->reason == "old_size_mismatch") {
        text(409, std::to_string(a.known_size) + "\n");
        res.set(bhttp::field::content_type, "text/x.tlog.size");
      } else {
        text(StatusFor(*a.error), a.error->detail + "\n");
      }
      return res;
    }
    // Monitoring: GET /<hex SHA-256 of the origin>/checkpoint.
    if (target.size() == 64 + 12 && target.substr(0, 1) == "/" &&
        target.substr(65) == "/checkpoint" && IsHexHash(target.substr(1, 64))) {
      if (req.method() != bhttp::verb::get) {
        text(405, "checkpoint is GET\n");
        res.set(bhttp::field::allow, "GET");
        return res;
      }
      auto latest = witness.Latest(target.substr(1, 64));
      if (!latest.ok()) {
        text(500, latest.error().detail + "\n");
      } else if (!*latest) {
        text(404, "this witness never cosigned a checkpoint of that log\n");
      } else {
        text(200, (*latest)->checkpoint);
      }
      return res;
    }
    text(404, "not found\n");
    return res;
  }

  void Log(const bhttp::request<bhttp::string_body>& req, const Response& res) {
    if (!options.access_log) return;
    options.access_log(Json{
        {"witness", witness.name()},
        {"method", std::string(req.method_string())},
        {"path", std::string(req.target())},
        {"status",
         res.result_int()}}.dump());
  }

  Witness& witness;
  WitnessServerOptions options;
  // Before ioc: sessions destroyed with ioc's pending handlers count down.
  std::atomic<int> connections{0};
  net::io_context ioc;
  tcp::acceptor acceptor;
  unsigned short bound_port = 0;
  std::vector<std::thread> threads;
  bool started = false, stopped = false;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, WitnessServer::Impl& server)
      : stream_(std::move(socket)), server_(server) {
    ++server_.connections;
  }
  ~Session() { --server_.connections; }

  void Run() { Read(); }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(server_.options.body_limit);
    stream_.expires_after(server_.options.idle_timeout);
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          self->OnRead(ec);
        });
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream) {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      return;
    }
    if (ec == bhttp::error::body_limit) {
      res_ = Response{bhttp::status::payload_too_large, 11};
      res_.set(bhttp::field::content_type, "text/plain; charset=utf-8");
      res_.body() = "request body too large\n";
      res_.keep_alive(false);
      Write();
      return;
    }
    if (ec) return;  // timeout, reset, garbage: just close
    auto req = parser_->release();
    res_ = server_.Handle(req);
    res_.keep_alive(req.keep_alive());
    server_.Log(req, res_);
    Write();
  }

  void Write() {
    res_.prepare_payload();
    stream_.expires_after(server_.options.idle_timeout);
    bhttp::async_write(
        stream_, res_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) return;
          if (!self->res_.keep_alive()) {
            self->stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
            return;
          }
          self->Read();
        });
  }

  beast::tcp_stream stream_;
  WitnessServer::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Response res_;
};

void DoAccept(WitnessServer::Impl& s) {
  s.acceptor.async_accept(
      net::make_strand(s.ioc), [&s](beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted) return;
        if (!ec && s.connections.load() >= s.options.max_connections) {
          beast::error_code ignored;
          socket.close(ignored);  // over the cap: closed at once
        } else if (!ec) {
          std::make_shared<Session>(std::move(socket), s)->Run();
        }
        DoAccept(s);
      });
}

}  // namespace

WitnessServer::WitnessServer(Witness& witness, WitnessServerOptions options)
    : impl_(std::make_unique<Impl>(witness, std::move(options))) {}

WitnessServer::~WitnessServer() { Stop(); }

Status WitnessServer::Start() {
  Impl& s = *impl_;
  const std::string& listen = s.options.listen;
  std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "--listen must be HOST:PORT");
  }
  beast::error_code ec;
  auto address = net::ip::make_address(listen.substr(0, colon), ec);
  if (ec) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "bad listen address " + listen);
  }
  unsigned long port = 0;
  try {
    port = std::stoul(listen.substr(colon + 1));
  } catch (...) {
    port = 65536;
  }
  if (port > 65535) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "bad listen port in " + listen);
  }
  tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return MakeError(Code::kUnavailable, "listen_failed",
                     "cannot listen on " + listen + ": " + ec.message());
  }
  s.bound_port = s.acceptor.local_endpoint().port();
  DoAccept(s);
  for (int i = 0; i < std::max(1, s.options.threads); ++i) {
    s.threads.emplace_back([&s] { s.ioc.run(); });
  }
  s.started = true;
  return Status::Ok();
}

unsigned short WitnessServer::port() const { return impl_->bound_port; }

void WitnessServer::Stop() {
  Impl& s = *impl_;
  if (!s.started || s.stopped) return;
  s.stopped = true;
  // A witness answer is one synced write: nothing worth draining. Stopping
  // the io_context abandons open connections; the sessions die with it.
  s.ioc.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  beast::error_code ec;
  s.acceptor.close(ec);
}

}  // namespace fl::http
