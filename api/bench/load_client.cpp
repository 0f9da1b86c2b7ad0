#include "api/bench/load_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace fl::cli {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  throw std::runtime_error("load client: " + what);
}

[[noreturn]] void FailErrno(const std::string& what) {
  Fail(what + ": " + std::strerror(errno));
}

bool EqualsLower(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

LoadClient::LoadClient(unsigned short port)
    : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
  if (!fd_.valid()) FailErrno("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) !=
      0) {
    FailErrno("connect");
  }
  int one = 1;
  ::setsockopt(fd_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

std::string LoadClient::Render(std::string_view target, std::string_view body) {
  std::string out;
  out.reserve(body.size() + 128);
  out.append("POST ").append(target).append(" HTTP/1.1\r\n");
  out.append("Host: 127.0.0.1\r\nUser-Agent: fundledger-bench\r\n");
  out.append("Content-Type: application/json\r\nContent-Length: ");
  out.append(std::to_string(body.size())).append("\r\n\r\n").append(body);
  return out;
}

LoadClient::Response LoadClient::Exchange(std::string_view request) {
  for (std::size_t sent = 0; sent < request.size();) {
    ssize_t n = ::send(fd_.get(), request.data() + sent, request.size() - sent,
                       MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) FailErrno("send");
    sent += static_cast<std::size_t>(n);
  }
  // Appends what one recv returns to the buffer.
  char chunk[16384];
  auto fill = [&] {
    ssize_t n;
    do {
      n = ::recv(fd_.get(), chunk, sizeof chunk, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) FailErrno("recv");
    if (n == 0) Fail("the server closed the connection");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  };
  std::size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (buffer_.size() > (64u << 10)) Fail("response head over 64 KiB");
    fill();
  }
  const std::string_view head(buffer_.data(), head_end);
  // "HTTP/1.1 201 Created"
  Response res;
  if (head.size() < 12 || !head.starts_with("HTTP/1.1 ")) {
    Fail("not an HTTP/1.1 response");
  }
  res.status = std::atoi(std::string(head.substr(9, 3)).c_str());
  std::size_t length = std::string::npos;
  for (std::size_t at = head.find("\r\n"); at != std::string_view::npos;) {
    const std::size_t start = at + 2;
    const std::size_t end = head.find("\r\n", start);
    const std::string_view line =
        head.substr(start, end == std::string_view::npos ? end : end - start);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos &&
        EqualsLower(line.substr(0, colon), "content-length")) {
      length = static_cast<std::size_t>(std::strtoull(
          std::string(line.substr(colon + 1)).c_str(), nullptr, 10));
    }
    at = end;
  }
  if (length == std::string::npos) Fail("response without Content-Length");
  // The server's largest answer (a batch's receipts) is well under this.
  if (length > (std::size_t{64} << 20)) Fail("response body over 64 MiB");
  const std::size_t total = head_end + 4 + length;
  while (buffer_.size() < total) fill();
  res.body = buffer_.substr(head_end + 4, length);
  buffer_.erase(0, total);
  return res;
}

}  // namespace fl::cli
