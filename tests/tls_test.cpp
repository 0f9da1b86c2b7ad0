// TLS (issue 9 item 9): `serve --tls-cert --tls-key` speaks TLS 1.2+ to a
// client that verifies the certificate against the CA it was given, and
// plain HTTP is refused at start-up on a non-loopback address unless
// --insecure-http says a TLS proxy is in front. Certificates are made here
// with the openssl command (a test CA, a server certificate for 127.0.0.1).
#include <netdb.h>

#include <boost/asio/ip/address.hpp>
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

#include "api/client/http_client.h"
#include "api/http/tls_context.h"
#include "binary_process.h"
#include "crypto/key_file.h"
#include "test_world.h"

using fl::Json;
using fl::test::RunBinary;
using fl::test::ServeProcess;

namespace {

bool LocalhostResolves() {
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo("localhost", nullptr, nullptr, &res);
  if (res != nullptr) ::freeaddrinfo(res);
  return rc == 0;
}

void Shell(const std::string& cmd) {
  INFO(cmd);
  REQUIRE(std::system((cmd + " >/dev/null 2>&1").c_str()) == 0);
}

// A CA, and a certificate it signs for `san` (subjectAltName value).
struct Pki {
  explicit Pki(std::string d) : dir(std::move(d)) {}
  std::string dir;
  std::string Ca(const std::string& name) {
    Shell(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
        "-nodes -days 2 -subj /CN=" +
        name + " -keyout " + dir + "/" + name + ".key -out " + dir + "/" +
        name + ".pem");
    return dir + "/" + name + ".pem";
  }
  // Returns {cert, key}.
  std::pair<std::string, std::string> Leaf(const std::string& name,
                                           const std::string& ca,
                                           const std::string& san) {
    std::string p = dir + "/" + name;
    {
      std::ofstream ext(p + ".ext");
      ext << "subjectAltName=" << san << "\n";
    }
    Shell(
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
        "-subj /CN=" +
        name + " -keyout " + p + ".key -out " + p + ".csr");
    Shell("openssl x509 -req -days 2 -in " + p + ".csr -CA " + dir + "/" + ca +
          ".pem -CAkey " + dir + "/" + ca + ".key -CAcreateserial -out " + p +
          ".pem -extfile " + p + ".ext");
    return {p + ".pem", p + ".key"};
  }
};

std::string ShellOutput(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

bool Refused(fl::http::Client& c) {
  try {
    c.Get("/v1/ledger");
    return false;
  } catch (const std::runtime_error&) {
    return true;
  }
}

}  // namespace

TEST_CASE("serve --tls-cert speaks TLS to a client that verifies it",
          "[tls][http]") {
  fl::test::TempDir tmp;
  Pki pki(tmp.str());
  const std::string ca = pki.Ca("ca");
  const std::string other_ca = pki.Ca("other-ca");
  auto [cert, key] = pki.Leaf("server", "ca", "IP:127.0.0.1,DNS:localhost");
  auto [elsewhere_cert, elsewhere_key] =
      pki.Leaf("elsewhere", "ca", "DNS:elsewhere.test");

  fl::test::World w;
  w.AddAgency("cz-530000", "finance", "530000");
  std::string key_file = tmp.str() + "/cz.pem";
  REQUIRE(fl::WritePrivateKeyFile(key_file, w.key("cz-530000")).ok());
  const std::uint64_t size = w.ledger().TreeSize();
  w.Close();

  ServeProcess serve(w.dir(), {"--tls-cert", cert, "--tls-key", key});
  using std::chrono::seconds;

  // The right CA: reads and a signed append over TLS.
  fl::http::Client good("127.0.0.1", serve.port(), seconds(10), {true, ca});
  auto info = good.Get("/v1/ledger");
  REQUIRE(info.status == 200);
  CHECK(Json::parse(info.body).at("tree_size") == size);
  auto posted = good.Post("/v1/events",
                          w.Envelope("b-1", "budget.appropriated", "cz-530000",
                                     {{"allocation_id", "lot-1"},
                                      {"fiscal_year", 2024},
                                      {"fund", "lottery.provincial"},
                                      {"division_code", "530000"},
                                      {"program", "SWS.OPS"},
                                      {"amount_fen", 500},
                                      {"doc_no", "doc 1"}})
                              .dump());
  CHECK(posted.status == 201);
  // The certificate's DNS name works as well as its IP address, where the
  // name resolves (a bare chroot has no /etc/hosts; a Debian machine does).
  if (LocalhostResolves()) {
    fl::http::Client by_name("localhost", serve.port(), seconds(10),
                             {true, ca});
    CHECK(by_name.Get("/v1/checkpoint").status == 200);
  } else {
    WARN("localhost does not resolve here: the by-name check is skipped");
  }

  // TLS 1.2 is the floor: the server answers 1.1 with a protocol_version
  // alert (OpenSSL's own client, so the refusal is the server's).
  const std::string s_client =
      "openssl s_client -connect 127.0.0.1:" + serve.port() + " -CAfile " + ca +
      " </dev/null 2>&1";
  std::string tls11 = ShellOutput(s_client + " -tls1_1");
  CHECK(tls11.find("alert protocol version") != std::string::npos);
  std::string tls12 = ShellOutput(s_client + " -tls1_2");
  CHECK(tls12.find("Protocol  : TLSv1.2") != std::string::npos);
  CHECK(tls12.find("Verify return code: 0 (ok)") != std::string::npos);

  // Another CA, or plain HTTP: no answer, and nothing stored.
  fl::http::Client wrong_ca("127.0.0.1", serve.port(), seconds(10),
                            {true, other_ca});
  CHECK(Refused(wrong_ca));
  fl::http::Client plain("127.0.0.1", serve.port(), seconds(10));
  CHECK(Refused(plain));
  CHECK(Json::parse(good.Get("/v1/ledger").body).at("tree_size") == size + 1);

  // `append --url https://... --ca` verifies too.
  std::string events = tmp.str() + "/events.jsonl";
  {
    std::ofstream f(events);
    f << Json{{"id", "b-2"},
              {"type", "budget.appropriated"},
              {"agency", "cz-530000"},
              {"occurred_at", "2024-03-31T08:00:00Z"},
              {"data",
               {{"allocation_id", "lot-2"},
                {"fiscal_year", 2024},
                {"fund", "lottery.provincial"},
                {"division_code", "530000"},
                {"program", "SWS.OPS"},
                {"amount_fen", 700},
                {"doc_no", "doc 2"}}}}
             .dump()
      << "\n";
  }
  const std::string url = "https://127.0.0.1:" + serve.port();
  auto refused = RunBinary("append --url " + url + " --ca " + other_ca +
                           " --key " + key_file + " " + events);
  CHECK(refused.status != 0);
  CHECK(refused.err.find("TLS handshake") != std::string::npos);
  CHECK(Json::parse(good.Get("/v1/ledger").body).at("tree_size") == size + 1);
  auto ok = RunBinary("append --url " + url + " --ca " + ca + " --key " +
                      key_file + " " + events);
  INFO(ok.err);
  CHECK(ok.status == 0);
  CHECK(Json::parse(good.Get("/v1/ledger").body).at("tree_size") == size + 2);
  good.Close();
  CHECK(serve.Terminate() == 0);

  // A certificate for another name, though from the trusted CA: refused.
  ServeProcess named(
      w.dir(), {"--tls-cert", elsewhere_cert, "--tls-key", elsewhere_key});
  fl::http::Client mismatch("127.0.0.1", named.port(), seconds(10), {true, ca});
  CHECK(Refused(mismatch));
}

TEST_CASE("serve refuses plain HTTP off loopback and bad TLS files", "[tls]") {
  fl::test::TempDir tmp;
  fl::test::World w;
  w.Close();
  // Refused before binding: nothing listens on 0.0.0.0 even for a moment.
  auto open = RunBinary("serve --data " + w.dir() + " --listen 0.0.0.0:0");
  CHECK(open.status != 0);
  CHECK(open.err.find("refusing plain HTTP") != std::string::npos);
  CHECK(open.err.find("--insecure-http") != std::string::npos);

  auto missing = RunBinary("serve --data " + w.dir() +
                           " --listen 127.0.0.1:0 --tls-cert " + tmp.str() +
                           "/none.pem --tls-key " + tmp.str() + "/none.key");
  CHECK(missing.status != 0);
  CHECK(missing.err.find("cannot load TLS certificate") != std::string::npos);

  Pki pki(tmp.str());
  pki.Ca("ca");
  auto [cert, key] = pki.Leaf("server", "ca", "IP:127.0.0.1");
  auto [cert2, key2] = pki.Leaf("other", "ca", "IP:127.0.0.1");
  auto mismatched = RunBinary("serve --data " + w.dir() +
                              " --listen 127.0.0.1:0 --tls-cert " + cert +
                              " --tls-key " + key2);
  CHECK(mismatched.status != 0);
  CHECK(mismatched.err.find("cannot load TLS key") != std::string::npos);
  CHECK(mismatched.err.find("mismatch") != std::string::npos);
}

TEST_CASE("plain HTTP is allowed on loopback, with TLS, or when insecure",
          "[tls]") {
  using boost::asio::ip::make_address;
  using fl::http::CheckPlainHttpAllowed;
  for (const char* a : {"127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"}) {
    INFO(a);
    CHECK(CheckPlainHttpAllowed(make_address(a), false, false).ok());
  }
  for (const char* a : {"0.0.0.0", "10.1.2.3", "::", "::ffff:10.1.2.3"}) {
    INFO(a);
    auto refused = CheckPlainHttpAllowed(make_address(a), false, false);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().reason == "insecure_http");
    CHECK(CheckPlainHttpAllowed(make_address(a), true, false).ok());
    CHECK(CheckPlainHttpAllowed(make_address(a), false, true).ok());
  }
}
