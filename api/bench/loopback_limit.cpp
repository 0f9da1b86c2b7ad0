// Raw blocking sockets on purpose: Asio's reactor adds epoll and timer
// calls per operation, and this measures the floor under any server.
#include "api/bench/loopback_limit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "crypto/unique_fd.h"

namespace fl::cli {
namespace {

void Require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("loopback limit: ") + what);
}

void NoDelay(int fd) {
  int one = 1;
  Require(::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0,
          "TCP_NODELAY");
}

bool SendAll(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// false at end of stream or on an error.
bool RecvAll(int fd, char* buf, std::size_t n) {
  for (std::size_t got = 0; got < n;) {
    ssize_t r = ::recv(fd, buf + got, n - got, 0);
    if (r <= 0) return false;
    got += static_cast<std::size_t>(r);
  }
  return true;
}

}  // namespace

LoopbackLimit MeasureLoopback(unsigned conns, std::size_t request_bytes,
                              std::size_t response_bytes, double seconds) {
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM, 0));
  Require(listener.get() >= 0, "socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  Require(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), len) == 0,
          "bind");
  Require(::listen(listener.get(), static_cast<int>(conns)) == 0, "listen");
  Require(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr),
                        &len) == 0,
          "getsockname");

  // A connect completes from the listen queue, so one thread can open
  // both ends of every connection before any traffic starts.
  std::vector<UniqueFd> clients, servers;
  for (unsigned i = 0; i < conns; ++i) {
    UniqueFd c(::socket(AF_INET, SOCK_STREAM, 0));
    Require(c.get() >= 0, "socket");
    Require(::connect(c.get(), reinterpret_cast<sockaddr*>(&addr), len) == 0,
            "connect");
    UniqueFd s(::accept(listener.get(), nullptr, nullptr));
    Require(s.get() >= 0, "accept");
    NoDelay(c.get());
    NoDelay(s.get());
    clients.push_back(std::move(c));
    servers.push_back(std::move(s));
  }

  std::atomic<bool> stop{false}, failed{false};
  std::atomic<std::uint64_t> round_trips{0};
  const std::clock_t cpu0 = std::clock();
  const auto start = std::chrono::steady_clock::now();
  {
    std::vector<std::jthread> threads;
    for (unsigned i = 0; i < conns; ++i) {
      threads.emplace_back([&, fd = servers[i].get()] {
        std::vector<char> in(request_bytes), out(response_bytes, 'r');
        while (RecvAll(fd, in.data(), in.size())) {
          if (!SendAll(fd, out.data(), out.size())) break;
        }
      });
      threads.emplace_back([&, fd = clients[i].get()] {
        std::vector<char> out(request_bytes, 'q'), in(response_bytes);
        std::uint64_t n = 0;
        while (!stop.load(std::memory_order_relaxed)) {
          if (!SendAll(fd, out.data(), out.size()) ||
              !RecvAll(fd, in.data(), in.size())) {
            failed = true;
            break;
          }
          ++n;
        }
        round_trips += n;
        ::shutdown(fd, SHUT_WR);  // its server thread sees the end
      });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  const double cpu_s =
      static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
  Require(!failed, "a round trip failed");
  Require(round_trips > 0, "no round trip completed");
  LoopbackLimit out;
  out.round_trips_per_s = static_cast<double>(round_trips) / secs;
  out.cpu_us_per_round_trip = 1e6 * cpu_s / static_cast<double>(round_trips);
  return out;
}

}  // namespace fl::cli
