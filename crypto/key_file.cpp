#include "crypto/key_file.h"

#include <cryptopp/misc.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "crypto/encoding.h"
#include "crypto/unique_fd.h"

namespace fl {
namespace {

constexpr std::string_view kBegin = "-----BEGIN PRIVATE KEY-----";
constexpr std::string_view kEnd = "-----END PRIVATE KEY-----";

// PKCS#8 v1 (RFC 5208/8410) for Ed25519 with no attributes: SEQUENCE {
// INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING
// <seed> } }, byte for byte what OpenSSL writes.
constexpr std::string_view kDerPrefixV1{
    "\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20", 16};
// The RFC 8410 OneAsymmetricKey (v2) form with the public key appended,
// as written by e.g. ring: decoded too, the key must then match the seed.
constexpr std::string_view kDerPrefixV2{
    "\x30\x51\x02\x01\x01\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20", 16};
constexpr std::string_view kDerPublicTag{"\x81\x21\x00", 3};

// Key files are small; refusing big ones keeps a wrong path from being
// read into memory whole.
constexpr std::size_t kMaxKeyFileSize = 64 * 1024;

// Seed bytes pass through std::string temporaries; clear them on the way
// out so they do not linger in freed heap memory.
struct Wiper {
  std::string& s;
  ~Wiper() { CryptoPP::SecureWipeBuffer(s.data(), s.size()); }
};

Error InvalidKey(std::string detail) {
  return MakeError(Code::kInvalidArgument, "invalid_key", std::move(detail));
}

Error IoError(const std::string& what, const std::string& path, int err) {
  return MakeError(Code::kInternal, "io_error",
                   what + " " + path + ": " + std::strerror(err));
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string EncodePrivateKeyPem(const PrivateKey& key) {
  std::string der(kDerPrefixV1);
  Wiper wipe_der{der};
  der.append(reinterpret_cast<const char*>(key.seed().data()),
             key.seed().size());
  // 48 bytes make exactly one 64-character base64 line, as OpenSSL writes.
  std::string b64 = Base64Encode(der);
  Wiper wipe_b64{b64};
  std::string pem;
  pem.reserve(kBegin.size() + b64.size() + kEnd.size() + 3);
  pem.append(kBegin).append("\n").append(b64).append("\n");
  pem.append(kEnd).append("\n");
  return pem;
}

Result<PrivateKey> DecodePrivateKeyPem(std::string_view pem) {
  pem = Trim(pem);
  if (pem.substr(0, kBegin.size()) != kBegin) {
    if (pem.find("ENCRYPTED PRIVATE KEY") != std::string_view::npos) {
      return InvalidKey("encrypted private keys are not supported");
    }
    return InvalidKey("not a PEM \"PRIVATE KEY\" (PKCS#8) file");
  }
  if (pem.size() < kBegin.size() + kEnd.size() ||
      pem.substr(pem.size() - kEnd.size()) != kEnd) {
    return InvalidKey("PEM private key has no matching END line");
  }
  std::string_view body =
      pem.substr(kBegin.size(), pem.size() - kBegin.size() - kEnd.size());
  if (body.empty() || (body.front() != '\n' && body.front() != '\r')) {
    return InvalidKey("PEM BEGIN line is not followed by a line break");
  }
  // Base64 may be wrapped over several lines (CRLF too); the decode of
  // the joined text is strict.
  std::string joined;
  Wiper wipe_joined{joined};
  for (char c : body) {
    if (!IsSpace(c)) joined += c;
  }
  auto der = Base64Decode(joined);
  if (!der) return InvalidKey("PEM private key is not valid base64");
  Wiper wipe_der{*der};
  std::string_view d = *der;
  std::array<std::uint8_t, 32> seed;
  if (d.size() == kDerPrefixV1.size() + 32 &&
      d.substr(0, kDerPrefixV1.size()) == kDerPrefixV1) {
    std::memcpy(seed.data(), d.data() + kDerPrefixV1.size(), 32);
    PrivateKey key = PrivateKey::FromSeed(seed);
    CryptoPP::SecureWipeBuffer(seed.data(), seed.size());
    return key;
  }
  if (d.size() == kDerPrefixV2.size() + 32 + kDerPublicTag.size() + 32 &&
      d.substr(0, kDerPrefixV2.size()) == kDerPrefixV2 &&
      d.substr(kDerPrefixV2.size() + 32, kDerPublicTag.size()) ==
          kDerPublicTag) {
    std::memcpy(seed.data(), d.data() + kDerPrefixV2.size(), 32);
    PrivateKey key = PrivateKey::FromSeed(seed);
    CryptoPP::SecureWipeBuffer(seed.data(), seed.size());
    std::string_view pub = d.substr(d.size() - 32);
    if (std::memcmp(pub.data(), key.public_key().data(), 32) != 0) {
      return InvalidKey("PKCS#8 public key does not match the private key");
    }
    return key;
  }
  return InvalidKey("PEM private key is not an Ed25519 PKCS#8 key");
}

Status WritePrivateKeyFile(const std::string& path, const PrivateKey& key) {
  // O_EXCL: never replace a key, and never follow a planted symlink.
  UniqueFd fd(
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    if (errno == EEXIST) {
      return MakeError(Code::kConflict, "already_exists",
                       "refusing to overwrite existing key file " + path);
    }
    return IoError("cannot create key file", path, errno);
  }
  std::string pem = EncodePrivateKeyPem(key);
  Wiper wipe_pem{pem};
  auto fail = [&](const char* what) {
    int err = errno;
    ::close(fd.Release());
    ::unlink(path.c_str());  // no half-written key left behind
    return IoError(what, path, err);
  };
  // The umask can only take bits away; this makes the mode exactly 0600.
  if (::fchmod(fd.get(), 0600) != 0) return fail("cannot chmod key file");
  std::size_t done = 0;
  while (done < pem.size()) {
    ssize_t n = ::write(fd.get(), pem.data() + done, pem.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write key file");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return fail("cannot sync key file");
  if (::close(fd.Release()) != 0) {
    int err = errno;
    ::unlink(path.c_str());
    return IoError("cannot close key file", path, err);
  }
  return Status::Ok();
}

Result<PrivateKey> ReadPrivateKeyFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return IoError("cannot open key file", path, errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    return IoError("cannot stat key file", path, errno);
  }
  if (!S_ISREG(st.st_mode)) {
    return InvalidKey("key file " + path + " is not a regular file");
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxKeyFileSize) {
    return InvalidKey("key file " + path + " is too large");
  }
  std::string text;
  Wiper wipe_text{text};
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      CryptoPP::SecureWipeBuffer(buf, sizeof buf);
      return IoError("cannot read key file", path, errno);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > kMaxKeyFileSize) {
      CryptoPP::SecureWipeBuffer(buf, sizeof buf);
      return InvalidKey("key file " + path + " is too large");
    }
  }
  CryptoPP::SecureWipeBuffer(buf, sizeof buf);
  auto key = DecodePrivateKeyPem(text);
  if (!key.ok()) {
    Error e = key.error();
    e.detail = "key file " + path + ": " + e.detail;
    return e;
  }
  return key;
}

}  // namespace fl
