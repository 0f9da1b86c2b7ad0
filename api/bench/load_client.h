// A load generator's HTTP/1.1 client for `bench-http`: one keep-alive
// connection to 127.0.0.1 on a blocking socket, sending requests rendered
// before the clock starts. http::Client runs each exchange on its own
// io_context with a deadline timer, which on this VM cost the 32 client
// threads ~40% of both cores in the single-append run; this one makes a
// send and a receive per exchange, as wrk-style load generators do, so a
// figure measured with it shows what the server does when the client on
// the same cores costs as little as the machine allows.
#pragma once

#include <string>
#include <string_view>

#include "crypto/unique_fd.h"

namespace fl::cli {

class LoadClient {
 public:
  // Connects; throws std::runtime_error when it cannot.
  explicit LoadClient(unsigned short port);

  // The bytes of a POST of `body` as JSON to `target`.
  static std::string Render(std::string_view target, std::string_view body);

  struct Response {
    int status = 0;
    std::string body;
  };
  // Sends one rendered request and reads its whole response (framed by
  // Content-Length, as the server always frames it). Throws on a socket
  // error, a closed connection or a response it cannot frame.
  Response Exchange(std::string_view request);

 private:
  UniqueFd fd_;
  std::string buffer_;  // bytes received and not yet consumed
};

}  // namespace fl::cli
