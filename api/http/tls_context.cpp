#include "api/http/tls_context.h"

#include <openssl/ssl.h>

#include <boost/system/error_code.hpp>

namespace fl::http {

namespace ssl = boost::asio::ssl;

Result<std::unique_ptr<ssl::context>> MakeTlsContext(
    const std::string& cert_file, const std::string& key_file) {
  if (cert_file.empty() || key_file.empty()) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "TLS needs both --tls-cert and --tls-key");
  }
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  // TLS 1.0 and 1.1 are deprecated (RFC 8996); SSLv2/3 long broken.
  ::SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                   ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return MakeError(
        Code::kInvalidArgument, "invalid_field",
        "cannot load TLS certificate " + cert_file + ": " + ec.message());
  }
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "cannot load TLS key " + key_file + ": " + ec.message());
  }
  if (::SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    return MakeError(
        Code::kInvalidArgument, "invalid_field",
        "TLS key " + key_file + " does not match certificate " + cert_file);
  }
  return ctx;
}

Status CheckPlainHttpAllowed(const boost::asio::ip::address& listen, bool tls,
                             bool insecure) {
  bool loopback = listen.is_loopback();
  if (listen.is_v6() && listen.to_v6().is_v4_mapped()) {
    loopback = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped,
                                                listen.to_v6())
                   .is_loopback();
  }
  if (tls || insecure || loopback) return Status::Ok();
  return MakeError(Code::kInvalidArgument, "insecure_http",
                   "refusing plain HTTP on " + listen.to_string() +
                       ": bearer tokens and appends would travel in the "
                       "clear; give --tls-cert and --tls-key, or "
                       "--insecure-http if a TLS proxy is in front");
}

}  // namespace fl::http
