// C2SP tlog-cosignature v1 (Ed25519, key type 0x04): key ids, vkeys, lines
// and their checks, against values computed outside our code.
#include <catch2/catch.hpp>
#include <string>

#include "crypto/cosignature.h"
#include "crypto/encoding.h"
#include "crypto/signed_note.h"

namespace fl {
namespace {

const std::string kDash = "\xe2\x80\x94 ";

PrivateKey KeyFromHex(const std::string& hex) {
  std::string b = *HexDecode(hex);
  std::array<std::uint8_t, 32> seed;
  std::copy(b.begin(), b.end(), seed.begin());
  return PrivateKey::FromSeed(seed);
}

// Computed with Python's `cryptography` and hashlib from the C2SP text:
// seed = SHA-256("fundledger cosignature test seed"), the spec's example
// checkpoint body and timestamp (c2sp.org/tlog-cosignature).
constexpr char kSeed[] =
    "f391d7a8b3fb4a82558aad68091ba3ae9b3a6d21f5696e75a90ac2c80358457b";
constexpr char kName[] = "witness.example/w1";
constexpr char kVkey[] =
    "witness.example/w1+e423a644+BIexvQIV6+s8kaROAOwOMRuJM0KaqcmP4th9X4hp1+56";
const std::string kBody =
    "example.com/behind-the-sofa\n20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
constexpr std::uint64_t kTime = 1679315147;
const std::string kLine =
    kDash +
    "witness.example/w1 5COmRAAAAABkGFDLoFm2U2rCaPets36jwEs5xJd5gqHLqToKUilntT"
    "Y5IsVlgQojOu8vMuKCElctboxQJq9YX+TFbZFmU4WFvnUGBg==\n";

TEST_CASE("cosignature keys and lines match the independent vector",
          "[witness][crypto]") {
  PrivateKey key = KeyFromHex(kSeed);
  CHECK(CosignerKeyString(kName, key.public_key()) == kVkey);
  CHECK(CosignatureLine(kBody, kName, key, kTime) == kLine);
  CHECK(CosignedMessage(kBody, kTime) ==
        "cosignature/v1\ntime 1679315147\n" + kBody);
  auto c = ParseCosignerKey(kVkey);
  REQUIRE(c.ok());
  CHECK(c->public_key == key.public_key());

  // A third party's published cosignature/v1 vkey (transparency-dev
  // formats tests): its key id must check out under our rule.
  CHECK(ParseCosignerKey("remora.n621.de+da77ade7+BOvN63jn/"
                         "bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2")
            .ok());
  CHECK_FALSE(ParseCosignerKey("remora.n621.de+da77ade8+BOvN63jn/"
                               "bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2")
                  .ok());

  // The log's line (a key we were not given: ignored).
  const std::string log_sig = kDash + "example.com/behind-the-sofa " +
                              Base64Encode(std::string(68, '\x01')) + "\n";
  const std::string note = kBody + "\n" + log_sig + kLine;
  auto valid = VerifyCosignatures(note, {*c});
  REQUIRE(valid.ok());
  REQUIRE(valid->size() == 1);
  CHECK((*valid)[0].name == kName);
  CHECK((*valid)[0].timestamp == kTime);
  CHECK(CheckQuorum(note, {*c}, 1).ok());
}

TEST_CASE("cosignature checks refuse what they must", "[witness][crypto]") {
  PrivateKey key = KeyFromHex(kSeed);
  Cosigner w1 = *ParseCosignerKey(kVkey);
  PrivateKey other = PrivateKey::Generate();
  Cosigner w2 =
      *ParseCosignerKey(CosignerKeyString("w2.example", other.public_key()));
  const std::string line2 = CosignatureLine(kBody, "w2.example", other, 7);

  SECTION("an ordinary note key (type 0x01) is not a cosigner key") {
    auto r = ParseCosignerKey(VerifierKeyString(kName, key.public_key()));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().reason == "invalid_key");
  }
  SECTION("a key listed twice is refused") {
    CHECK_FALSE(ParseCosignerKeys(std::string(kVkey) + "," + kVkey).ok());
    auto two =
        ParseCosignerKeys(std::string(kVkey) + "," +
                          CosignerKeyString("w2.example", other.public_key()));
    REQUIRE(two.ok());
    CHECK(two->size() == 2);
  }
  SECTION("a changed body or timestamp fails") {
    std::string changed = kBody;
    changed[30] = '4';
    auto r = VerifyCosignatures(changed + "\n" + kLine, {w1});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().reason == "bad_cosignature");
    std::string forged = CosignatureLine(kBody, kName, key, kTime + 1);
    // Same signature, other time: splice the new timestamp into the line.
    auto blob = *Base64Decode(
        kLine.substr(kDash.size() + 19, kLine.size() - kDash.size() - 20));
    auto blob2 = *Base64Decode(
        forged.substr(kDash.size() + 19, forged.size() - kDash.size() - 20));
    blob.replace(4, 8, blob2.substr(4, 8));
    std::string spliced = kDash + kName + " " + Base64Encode(blob) + "\n";
    CHECK_FALSE(VerifyCosignatures(kBody + "\n" + spliced, {w1}).ok());
  }
  SECTION("a cosignature over a signed-note message is not a cosignature") {
    // The log's own signature algorithm with the witness's key: the same
    // key bytes, but type 0x01 and no cosignature/v1 header.
    std::string plain = SignNote(kBody, kName, key);
    auto r = VerifyCosignatures(plain, {w1});
    REQUIRE(r.ok());  // the key id differs (0x01), so the line is ignored
    CHECK(r->empty());
  }
  SECTION("quorum counts distinct known witnesses only") {
    const std::string note = kBody + "\n" + kLine + kLine;
    CHECK(CheckQuorum(note, {w1, w2}, 1).ok());
    Status s = CheckQuorum(note, {w1, w2}, 2);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().reason == "quorum_not_met");
    CHECK(s.error().detail.find("missing: w2.example") != std::string::npos);
    CHECK(CheckQuorum(kBody + "\n" + kLine + line2, {w1, w2}, 2).ok());
    // Unknown witnesses do not count.
    CHECK_FALSE(CheckQuorum(kBody + "\n" + line2, {w1}, 1).ok());
  }
  SECTION("malformed notes") {
    CHECK_FALSE(VerifyCosignatures(kBody, {w1}).ok());
    CHECK_FALSE(VerifyCosignatures(kBody + "\nnot a line\n", {w1}).ok());
  }
}

}  // namespace
}  // namespace fl
