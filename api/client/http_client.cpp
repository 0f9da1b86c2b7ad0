#include "api/client/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cctype>
#include <optional>
#include <stdexcept>

namespace fl::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

}  // namespace

Result<Url> ParseUrl(std::string_view url) {
  Url out;
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
    out.https = true;
  } else {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "URL must start with http:// or https://");
  }
  std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    out.base_path = std::string(rest.substr(slash));
    while (!out.base_path.empty() && out.base_path.back() == '/') {
      out.base_path.pop_back();
    }
  }
  std::size_t colon = authority.rfind(':');
  std::size_t bracket = authority.rfind(']');
  if (colon != std::string_view::npos &&
      (bracket == std::string_view::npos || colon > bracket)) {
    out.host = std::string(authority.substr(0, colon));
    out.port = std::string(authority.substr(colon + 1));
  } else {
    out.host = std::string(authority);
    out.port = out.https ? "443" : "80";
  }
  if (out.host.size() >= 2 && out.host.front() == '[') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  if (out.host.empty() || out.port.empty() ||
      out.port.find_first_not_of("0123456789") != std::string::npos) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "bad host or port in URL");
  }
  return out;
}

// Synchronous calls built from async operations run to completion on a
// private io_context, because only async operations honour tcp_stream's
// timeouts.
struct Client::Impl {
  Impl(std::string h, std::string p, std::chrono::milliseconds t,
       ClientTls tls_options)
      : host(std::move(h)), port(std::move(p)), timeout(t) {
    if (!tls_options.enabled) return;
    ssl_ctx.emplace(net::ssl::context::tls_client);
    ::SSL_CTX_set_min_proto_version(ssl_ctx->native_handle(), TLS1_2_VERSION);
    beast::error_code ec;
    if (tls_options.ca_file.empty()) {
      ssl_ctx->set_default_verify_paths(ec);
    } else {
      ssl_ctx->load_verify_file(tls_options.ca_file, ec);
    }
    if (ec) {
      throw std::runtime_error("cannot load CA file " + tls_options.ca_file +
                               ": " + ec.message());
    }
    ssl_ctx->set_verify_mode(net::ssl::verify_peer);
  }

  // The TCP stream (under TLS or not) and the one requests go through.
  beast::tcp_stream& tcp_layer() {
    return tls ? beast::get_lowest_layer(*tls) : *plain;
  }
  template <class F>
  void WithStream(F&& f) {
    if (tls) {
      f(*tls);
    } else {
      f(*plain);
    }
  }

  void Connect() {
    tcp::resolver resolver(ioc);
    beast::error_code ec;
    auto results = resolver.resolve(host, port, ec);
    if (ec)
      throw std::runtime_error("cannot resolve " + host + ": " + ec.message());
    // A TLS stream is not reusable after a close: a new one per connection.
    plain.reset();
    tls.reset();
    if (ssl_ctx) {
      tls.emplace(ioc, *ssl_ctx);
      // SNI, and the name (or IP address) the certificate must carry.
      ::SSL_set_tlsext_host_name(tls->native_handle(), host.c_str());
      tls->set_verify_callback(net::ssl::host_name_verification(host));
    } else {
      plain.emplace(ioc);
    }
    tcp_layer().expires_after(timeout);
    tcp_layer().async_connect(
        results, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    Run();
    if (ec) {
      throw std::runtime_error("cannot connect to " + host + ":" + port + ": " +
                               ec.message());
    }
    tcp_layer().socket().set_option(tcp::no_delay(true), ec);
    if (tls) {
      tls->async_handshake(net::ssl::stream_base::client,
                           [&](beast::error_code e) { ec = e; });
      Run();
      if (ec) {
        Disconnect();
        throw std::runtime_error("TLS handshake with " + host + ":" + port +
                                 " failed: " + ec.message());
      }
    }
    connected = true;
  }

  void Run() {
    ioc.restart();
    ioc.run();
  }

  // false: the connection was found closed before any answer.
  bool Exchange(bhttp::request<bhttp::string_body>& req, ClientResponse* out,
                std::string* error) {
    beast::error_code ec;
    tcp_layer().expires_after(timeout);
    WithStream([&](auto& stream) {
      bhttp::async_write(stream, req,
                         [&](beast::error_code e, std::size_t) { ec = e; });
    });
    Run();
    if (ec) {
      *error = "send: " + ec.message();
      return false;
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(1ull << 30);
    WithStream([&](auto& stream) {
      bhttp::async_read(stream, buffer, parser,
                        [&](beast::error_code e, std::size_t) { ec = e; });
    });
    Run();
    if (ec) {
      *error = "receive: " + ec.message();
      return false;
    }
    auto& res = parser.get();
    out->status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      std::string name(field.name_string());
      for (char& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out->headers[name] = std::string(field.value());
    }
    out->body = std::move(res.body());
    if (!res.keep_alive()) Disconnect();
    return true;
  }

  void Disconnect() {
    beast::error_code ec;
    if (plain || tls) {
      // No TLS close_notify: every answer is length-delimited, so nothing
      // can be truncated unnoticed.
      tcp_layer().socket().shutdown(tcp::socket::shutdown_both, ec);
      tcp_layer().close();
    }
    buffer.consume(buffer.size());
    connected = false;
  }

  std::string host, port;
  std::chrono::milliseconds timeout;
  net::io_context ioc;
  std::optional<net::ssl::context> ssl_ctx;  // set: https
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  bool connected = false;
};

Client::Client(std::string host, std::string port,
               std::chrono::milliseconds timeout, ClientTls tls)
    : impl_(std::make_unique<Impl>(std::move(host), std::move(port), timeout,
                                   std::move(tls))) {}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

ClientResponse Client::Request(
    std::string_view method, std::string_view target, std::string_view body,
    std::string_view content_type,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  bhttp::request<bhttp::string_body> req(bhttp::string_to_verb(method), target,
                                         11);
  req.set(bhttp::field::host, impl_->host);
  req.set(bhttp::field::user_agent, "fundledger");
  for (const auto& [name, value] : headers) req.set(name, value);
  if (!body.empty() || method == "POST") {
    if (!content_type.empty())
      req.set(bhttp::field::content_type, content_type);
    req.body() = std::string(body);
  }
  req.keep_alive(true);
  req.prepare_payload();

  for (int attempt = 0;; ++attempt) {
    bool reused = impl_->connected;
    if (!impl_->connected) impl_->Connect();
    ClientResponse out;
    std::string error;
    if (impl_->Exchange(req, &out, &error)) return out;
    impl_->Disconnect();
    // A kept-alive connection the server closed meanwhile: once more.
    if (!reused || attempt > 0) {
      throw std::runtime_error(std::string(method) + " " + std::string(target) +
                               ": " + error);
    }
  }
}

ClientResponse Client::Get(std::string_view target,
                           const std::string& bearer_token) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!bearer_token.empty()) {
    headers.emplace_back("Authorization", "Bearer " + bearer_token);
  }
  return Request("GET", target, {}, {}, headers);
}

ClientResponse Client::Post(std::string_view target,
                            std::string_view json_body) {
  return Request("POST", target, json_body, "application/json");
}

void Client::Close() {
  if (impl_->connected) impl_->Disconnect();
}

}  // namespace fl::http
