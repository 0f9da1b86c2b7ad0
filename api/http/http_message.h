// Plain HTTP request and response values passed between the Beast server
// and the handlers, so that only http_server.cpp pays for Beast's headers.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace fl::http {

struct HttpRequest {
  std::string method;                         // "GET", "POST", ...
  std::string path;                           // target without the query string
  std::map<std::string, std::string> query;   // percent-decoded
  std::map<std::string, std::string> params;  // from "{name}" path segments
  std::string content_type;
  std::string authorization;
  std::string accept_encoding;  // for the console's gzipped files
  std::string body;
  bool loopback = false;  // the peer is 127.0.0.0/8 or ::1
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string code;  // the problem code of an error, for logs and metrics

  // A read that has to wait (min_seq, API.md): while `ready()` is false the
  // server holds the request without a thread, re-checking on a timer for
  // up to `wait_for`; once it is true the handler runs again, and if it
  // never is (or the server stops) this response is sent as it is.
  std::function<bool()> ready;
  std::chrono::milliseconds wait_for{0};
};

}  // namespace fl::http
