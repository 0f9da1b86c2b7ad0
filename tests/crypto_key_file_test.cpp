#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <string>

#include "api/http/http_status_map.h"
#include "crypto/encoding.h"
#include "crypto/key_file.h"
#include "test_util.h"

namespace fl {
namespace {

// RFC 8032 TEST 1 seed. The PEM below was written by Python's
// `cryptography` (PKCS8, NoEncryption), not by our code.
constexpr char kSeedHex[] =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr char kPublicHex[] =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr char kPem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";

PrivateKey TestKey() {
  std::array<std::uint8_t, 32> seed;
  std::string b = *HexDecode(kSeedHex);
  std::copy(b.begin(), b.end(), seed.begin());
  return PrivateKey::FromSeed(seed);
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

bool HaveOpenssl() {
  return std::system("command -v openssl >/dev/null 2>&1") == 0;
}

int Run(const std::string& cmd) {
  return std::system((cmd + " 2>/dev/null").c_str());
}

TEST_CASE("PEM encoding matches an independent PKCS#8 writer", "[crypto]") {
  PrivateKey key = TestKey();
  CHECK(EncodePrivateKeyPem(key) == kPem);
  auto back = DecodePrivateKeyPem(kPem);
  REQUIRE(back.ok());
  CHECK(back->seed() == key.seed());
  CHECK(HexEncode(AsBytes(back->public_key())) == kPublicHex);
}

TEST_CASE("PEM decoding tolerates layout but not content changes", "[crypto]") {
  std::string crlf =
      "-----BEGIN PRIVATE KEY-----\r\n"
      "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK\r\n9JLsLMREScVpezJpGXA7rAMcrn9g\r\n"
      "-----END PRIVATE KEY-----\r\n\r\n";
  auto k = DecodePrivateKeyPem(crlf);
  REQUIRE(k.ok());
  CHECK(k->seed() == TestKey().seed());
  CHECK(DecodePrivateKeyPem(std::string("\n") + kPem).ok());

  std::string pem = kPem;
  const std::string b64 =
      "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g";
  auto with_body = [&](const std::string& body) {
    std::string p = pem;
    p.replace(p.find(b64), b64.size(), body);
    return p;
  };
  const std::string kBad[] = {
      "",
      "not a key",
      with_body(""),
      with_body(b64.substr(0, 60)),                        // truncated
      with_body(b64 + "AAAA"),                             // trailing bytes
      with_body("MC4CAQAwBQYDK2VuBCIE" + b64.substr(20)),  // X25519 OID
      with_body("MC4CAQEw" + b64.substr(8)),  // version 1 w/o public key
      with_body(b64 + "!"),
      "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n",
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + b64 +
          "\n-----END ENCRYPTED PRIVATE KEY-----\n",
      pem.substr(0, pem.size() - 10),  // END line cut
      "-----BEGIN PRIVATE KEY-----" + b64 + "\n-----END PRIVATE KEY-----\n",
  };
  for (const auto& bad : kBad) {
    INFO(bad);
    auto r = DecodePrivateKeyPem(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().reason == "invalid_key");
    CHECK(fl::http::HttpStatus(r.error()) == 400);
  }
}

TEST_CASE("RFC 8410 v2 keys with a public key decode when consistent",
          "[crypto]") {
  PrivateKey key = TestKey();
  std::string seed = *HexDecode(kSeedHex);
  std::string pub = *HexDecode(kPublicHex);
  auto pem_of = [](const std::string& der) {
    return "-----BEGIN PRIVATE KEY-----\n" + Base64Encode(der) +
           "\n-----END PRIVATE KEY-----\n";
  };
  const std::string head(
      "\x30\x51\x02\x01\x01\x30\x05\x06\x03\x2b\x65\x70"
      "\x04\x22\x04\x20",
      16);
  const std::string pub_tag("\x81\x21\x00", 3);
  auto ok = DecodePrivateKeyPem(pem_of(head + seed + pub_tag + pub));
  REQUIRE(ok.ok());
  CHECK(ok->public_key() == key.public_key());
  std::string wrong_pub = pub;
  wrong_pub[0] ^= 1;
  CHECK_FALSE(
      DecodePrivateKeyPem(pem_of(head + seed + pub_tag + wrong_pub)).ok());
}

TEST_CASE("key files are created 0600 and never overwritten", "[crypto]") {
  test::TempDir dir;
  std::string path = dir.str() + "/k.pem";
  PrivateKey key = PrivateKey::Generate();
  mode_t old_umask = ::umask(0);  // the mode must not depend on the umask
  Status st = WritePrivateKeyFile(path, key);
  ::umask(old_umask);
  REQUIRE(st.ok());
  struct stat sb;
  REQUIRE(::stat(path.c_str(), &sb) == 0);
  CHECK((sb.st_mode & 07777) == 0600);
  CHECK(test::ReadFile(path) == EncodePrivateKeyPem(key));

  auto read = ReadPrivateKeyFile(path);
  REQUIRE(read.ok());
  CHECK(read->seed() == key.seed());
  CHECK(read->public_key() == key.public_key());

  PrivateKey other = PrivateKey::Generate();
  Status again = WritePrivateKeyFile(path, other);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().reason == "already_exists");
  CHECK(test::ReadFile(path) == EncodePrivateKeyPem(key));

  // A symlink, even a dangling one, is not followed.
  std::string link = dir.str() + "/link.pem";
  REQUIRE(::symlink((dir.str() + "/target.pem").c_str(), link.c_str()) == 0);
  CHECK_FALSE(WritePrivateKeyFile(link, key).ok());
  CHECK_FALSE(std::filesystem::exists(dir.path() / "target.pem"));

  CHECK_FALSE(WritePrivateKeyFile(dir.str() + "/no/such/dir.pem", key).ok());
}

TEST_CASE("reading bad key files gives errors, not exceptions", "[crypto]") {
  test::TempDir dir;
  auto missing = ReadPrivateKeyFile(dir.str() + "/missing.pem");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().reason == "io_error");

  CHECK_FALSE(ReadPrivateKeyFile(dir.str()).ok());  // a directory

  WriteText(dir.str() + "/garbage.pem", "hello\n");
  auto garbage = ReadPrivateKeyFile(dir.str() + "/garbage.pem");
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.error().reason == "invalid_key");

  WriteText(dir.str() + "/big.pem", std::string(1 << 20, 'A'));
  CHECK_FALSE(ReadPrivateKeyFile(dir.str() + "/big.pem").ok());

  WriteText(dir.str() + "/empty.pem", "");
  CHECK_FALSE(ReadPrivateKeyFile(dir.str() + "/empty.pem").ok());
}

TEST_CASE("OpenSSL and fundledger read each other's Ed25519 keys", "[crypto]") {
  if (!HaveOpenssl()) {
    WARN("openssl not found: skipping the OpenSSL interoperability check");
    return;
  }
  test::TempDir dir;
  const std::string d = dir.str();
  for (int i = 0; i < 3; ++i) {
    const std::string f = d + "/ossl" + std::to_string(i) + ".pem";
    const std::string pub = d + "/ossl" + std::to_string(i) + ".der";
    REQUIRE(Run("openssl genpkey -algorithm ed25519 -out '" + f + "'") == 0);
    REQUIRE(Run("openssl pkey -in '" + f + "' -pubout -outform DER -out '" +
                pub + "'") == 0);
    auto key = ReadPrivateKeyFile(f);
    REQUIRE(key.ok());
    std::string der = test::ReadFile(pub);
    REQUIRE(der.size() == 44);
    CHECK(der.substr(0, 12) ==
          std::string("\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00", 12));
    CHECK(der.substr(12) == AsBytes(key->public_key()));
    // Byte for byte the same file as ours.
    CHECK(test::ReadFile(f) == EncodePrivateKeyPem(*key));
  }

  // OpenSSL reads what we write and derives the same public key.
  PrivateKey ours = PrivateKey::Generate();
  const std::string f = d + "/ours.pem";
  REQUIRE(WritePrivateKeyFile(f, ours).ok());
  REQUIRE(Run("openssl pkey -in '" + f + "' -pubout -outform DER -out '" + d +
              "/ours.der'") == 0);
  CHECK(test::ReadFile(d + "/ours.der").substr(12) ==
        AsBytes(ours.public_key()));

  // Another algorithm's PKCS#8 key is refused.
  REQUIRE(Run("openssl genpkey -algorithm x25519 -out '" + d + "/x.pem'") == 0);
  auto x = ReadPrivateKeyFile(d + "/x.pem");
  REQUIRE_FALSE(x.ok());
  CHECK(x.error().reason == "invalid_key");
}

}  // namespace
}  // namespace fl
