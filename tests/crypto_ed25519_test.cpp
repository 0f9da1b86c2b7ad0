#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "crypto/ed25519.h"
#include "crypto/encoding.h"
#include "test_util.h"

namespace fl {
namespace {

using nlohmann::json;

std::string Unhex(const std::string& hex) {
  auto b = HexDecode(hex);
  REQUIRE(b);
  return *b;
}

template <std::size_t N>
std::array<std::uint8_t, N> Array(const std::string& hex) {
  std::string b = Unhex(hex);
  REQUIRE(b.size() == N);
  std::array<std::uint8_t, N> out;
  std::memcpy(out.data(), b.data(), N);
  return out;
}

json LoadJson(const std::string& rel) {
  return json::parse(test::ReadFile(test::VectorsDir() / rel));
}

TEST_CASE("Ed25519 reproduces every RFC 8032 section 7.1 vector", "[crypto]") {
  json j = LoadJson("ed25519/rfc8032_section7.1_ed25519.json");
  int count = 0;
  for (const auto& t : j.at("tests")) {
    INFO(t.at("name").get<std::string>());
    auto key = PrivateKey::FromSeed(Array<32>(t.at("secret_key")));
    CHECK(HexEncode(AsBytes(key.public_key())) ==
          t.at("public_key").get<std::string>());
    std::string msg = Unhex(t.at("message"));
    Signature sig = key.Sign(msg);
    CHECK(HexEncode(AsBytes(sig)) == t.at("signature").get<std::string>());
    CHECK(Ed25519Verify(key.public_key(), msg, AsBytes(sig)));
    CHECK(IsAcceptablePublicKey(key.public_key()));
    // Any flipped bit in the signature or message must fail.
    for (std::size_t bit : {0, 7, 255, 256, 300, 511}) {
      Signature bad = sig;
      bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      CHECK_FALSE(Ed25519Verify(key.public_key(), msg, AsBytes(bad)));
    }
    CHECK_FALSE(Ed25519Verify(key.public_key(), msg + "x", AsBytes(sig)));
    ++count;
  }
  CHECK(count == 5);
}

TEST_CASE("Ed25519 verification agrees with every Wycheproof verdict",
          "[crypto]") {
  json j = LoadJson("ed25519/wycheproof/ed25519_test.json");
  int count = 0, valid = 0, invalid = 0;
  std::set<int> ids;
  for (const auto& group : j.at("testGroups")) {
    REQUIRE(group.at("type") == "EddsaVerify");
    PublicKey pk = Array<32>(group.at("publicKey").at("pk"));
    for (const auto& t : group.at("tests")) {
      int id = t.at("tcId").get<int>();
      INFO("tcId " << id << ": " << t.at("comment").get<std::string>());
      ids.insert(id);
      std::string result = t.at("result").get<std::string>();
      REQUIRE((result == "valid" || result == "invalid"));
      bool want = result == "valid";
      (want ? valid : invalid)++;
      CHECK(Ed25519Verify(pk, Unhex(t.at("msg")), Unhex(t.at("sig"))) == want);
      ++count;
    }
  }
  CHECK(count == 151);
  CHECK(count == j.at("numberOfTests").get<int>());
  CHECK(ids.size() == 151);
  CHECK(valid == 88);
  CHECK(invalid == 63);
}

// Points of order 1, 2, 4 and 8 (y with the sign bit clear), as listed in
// libsodium's blocklist; p and p+1 are the non-canonical forms of 0 and 1.
const char* const kSmallOrderY[] = {
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
};

TEST_CASE("small-order and non-canonical public keys are refused", "[crypto]") {
  for (const char* hex : kSmallOrderY) {
    for (std::uint8_t sign : {0x00, 0x80}) {
      PublicKey k = Array<32>(hex);
      k[31] |= sign;
      INFO(hex << " sign " << int(sign));
      CHECK_FALSE(IsAcceptablePublicKey(k));
    }
  }
  // y = p + k for every k that fits below 2^255: never canonical.
  for (int k = 0; k < 19; ++k) {
    for (std::uint8_t sign : {0x00, 0x80}) {
      PublicKey key;
      key.fill(0xff);
      key[0] = static_cast<std::uint8_t>(0xed + k);
      key[31] = static_cast<std::uint8_t>(0x7f | sign);
      CHECK_FALSE(IsAcceptablePublicKey(key));
    }
  }
  // Curve membership (checked in Python): y = 2 and y = 7 are not on the
  // curve, y = 3 and y = 4 are (and not of small order).
  auto y = [](std::uint8_t v, std::uint8_t sign) {
    PublicKey k{};
    k[0] = v;
    k[31] = sign;
    return k;
  };
  CHECK_FALSE(IsAcceptablePublicKey(y(2, 0)));
  CHECK_FALSE(IsAcceptablePublicKey(y(7, 0x80)));
  CHECK(IsAcceptablePublicKey(y(3, 0)));
  CHECK(IsAcceptablePublicKey(y(3, 0x80)));
  CHECK(IsAcceptablePublicKey(y(4, 0)));
  // p - 2 is canonical but not on the curve.
  PublicKey pm2 = Array<32>(
      "ebffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
  CHECK_FALSE(IsAcceptablePublicKey(pm2));
}

// Signatures that satisfy the cofactorless equation [S]B = R + [k]A but
// use a small-order R or A, computed with an independent Python model of
// the curve. Raw Crypto++ accepts all three; strict verification must not.
TEST_CASE("signatures with small-order R or A are refused", "[crypto]") {
  // R = identity, S = k*a with the RFC 8032 TEST 1 key.
  CHECK_FALSE(Ed25519Verify(
      Array<32>(
          "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
      "fundledger small-order R",
      Unhex(
          "0100000000000000000000000000000000000000000000000000000000000000"
          "9ac9142e000b1d9d2008cd560ab6e9e69b39201ad0c7dbb09a7e94668fe81404")));
  const std::string r_and_s =
      "c4c1227d7fff941a976049ecefad7b663fa5121d769cbbd79a53d344e4773e98"
      "efcdab9078563412000000000000000000000000000000000000000000000000";
  // A = identity: [S]B = R holds for every message.
  CHECK_FALSE(Ed25519Verify(
      Array<32>(
          "0100000000000000000000000000000000000000000000000000000000000000"),
      std::string(1, '\0'), Unhex(r_and_s)));
  // A of order 8, message chosen so that 8 divides k.
  CHECK_FALSE(Ed25519Verify(
      Array<32>(
          "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
      "msg 1", Unhex(r_and_s)));
}

TEST_CASE("signatures of the wrong length are refused", "[crypto]") {
  auto key = PrivateKey::FromSeed({});
  Signature sig = key.Sign("m");
  std::string s(AsBytes(sig));
  CHECK(Ed25519Verify(key.public_key(), "m", s));
  CHECK_FALSE(Ed25519Verify(key.public_key(), "m", s.substr(0, 63)));
  CHECK_FALSE(Ed25519Verify(key.public_key(), "m", s + '\0'));
  CHECK_FALSE(Ed25519Verify(key.public_key(), "m", ""));
}

TEST_CASE("generated keys differ and sign verifiably", "[crypto]") {
  auto a = PrivateKey::Generate();
  auto b = PrivateKey::Generate();
  CHECK(a.seed() != b.seed());
  CHECK(a.public_key() == PrivateKey::FromSeed(a.seed()).public_key());
  CHECK(IsAcceptablePublicKey(a.public_key()));
  Signature sig = a.Sign("hello");
  CHECK(Ed25519Verify(a.public_key(), "hello", AsBytes(sig)));
  CHECK_FALSE(Ed25519Verify(b.public_key(), "hello", AsBytes(sig)));
}

TEST_CASE("KeyId is the first 16 hex chars of SHA-256 of the key", "[crypto]") {
  // RFC 8032 TEST 1 key; digest computed with Python hashlib.
  PublicKey k = Array<32>(
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  CHECK(KeyId(k) == "21fe31dfa154a261");
}

}  // namespace
}  // namespace fl
