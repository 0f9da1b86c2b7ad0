// A bare TCP connection for the HTTP tests, to misbehave in ways a real
// client would not: connect from a chosen loopback address, send partial
// requests, hold idle connections, watch for the server closing.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fl::test {

// A bare TCP connection from a chosen loopback address (127.0.0.2 is a
// different client to the server, on the same machine).
class RawConn {
 public:
  // Throws instead of asserting: tests open these from worker threads,
  // and Catch2 v2 assertions are not thread-safe (TSan reports them).
  explicit RawConn(unsigned short port, const char* from = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) Fail("socket");
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (::inet_pton(AF_INET, from, &local.sin_addr) != 1) Fail("inet_pton");
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
      Fail("bind");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      Fail("connect");
  }
  ~RawConn() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads until the peer closes (true) or `timeout` passes (false).
  bool ReadUntilClosed(std::chrono::milliseconds timeout,
                       std::string* out = nullptr) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;  // EOF or reset: closed
      if (out) out->append(buf, static_cast<std::size_t>(n));
    }
  }

  // One GET on a kept-alive connection: reads until the blank line after
  // the headers and the Content-Length body; the connection stays open.
  std::string Get(const std::string& target) {
    if (!Send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n"))
      throw std::runtime_error("RawConn: send failed");
    std::string got;
    char buf[4096];
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      auto end = got.find("\r\n\r\n");
      if (end != std::string::npos) {
        auto cl = got.find("Content-Length: ");
        std::size_t length =
            cl == std::string::npos ? 0 : std::stoul(got.substr(cl + 16));
        if (got.size() >= end + 4 + length) return got;
      }
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }

 private:
  [[noreturn]] void Fail(const char* what) {
    int err = errno;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    throw std::runtime_error(std::string("RawConn: ") + what + ": " +
                             std::strerror(err));
  }

  int fd_ = -1;
};

}  // namespace fl::test
