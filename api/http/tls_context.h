// TLS for `serve --tls-cert --tls-key` (issue 9): the server's context,
// TLS 1.2 or newer only, and the rule that keeps tokens and appends off
// plain HTTP on a non-loopback address.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "crypto/status.h"

namespace fl::http {

// A server context with the PEM certificate chain and private key loaded
// (and checked to match); a clear error naming the file otherwise.
Result<std::unique_ptr<boost::asio::ssl::context>> MakeTlsContext(
    const std::string& cert_file, const std::string& key_file);

// Plain HTTP carries bearer tokens and signed appends in the clear; on a
// loopback address nobody else can see them. Elsewhere it needs TLS or the
// operator's explicit `insecure` (a proxy terminating TLS in front).
Status CheckPlainHttpAllowed(const boost::asio::ip::address& listen, bool tls,
                             bool insecure);

}  // namespace fl::http
