// A small keep-alive HTTP/1.1 client (Beast, behind a pimpl) for
// `fundledger append` and the HTTP tests. An edge: network failures throw.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/status.h"

namespace fl::http {

struct Url {
  std::string host, port, base_path;  // base_path: "" or "/prefix"
  bool https = false;
};
// http://HOST[:PORT][/PATH] or https://HOST[:PORT][/PATH].
Result<Url> ParseUrl(std::string_view url);

// TLS for a Client: the server's certificate must chain to `ca_file` (PEM;
// empty: the system's trusted roots) and name the host (DNS or IP SAN).
struct ClientTls {
  bool enabled = false;
  std::string ca_file;
};

struct ClientResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lowercase
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class Client {
 public:
  Client(std::string host, std::string port,
         std::chrono::milliseconds timeout = std::chrono::seconds(60),
         ClientTls tls = {});
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  // One request on the kept-alive connection. If a reused connection turns
  // out closed before any answer, reconnects and sends once more (appends
  // are idempotent by event id). Throws std::runtime_error otherwise, also
  // when a TLS server's certificate does not verify.
  ClientResponse Request(
      std::string_view method, std::string_view target,
      std::string_view body = {},
      std::string_view content_type = "application/json",
      const std::vector<std::pair<std::string, std::string>>& headers = {});
  ClientResponse Get(std::string_view target,
                     const std::string& bearer_token = {});
  ClientResponse Post(std::string_view target, std::string_view json_body);

  void Close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fl::http
