#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>

#include "crypto/encoding.h"
#include "crypto/signed_note.h"

namespace fl {
namespace {

const std::string kDash = "\xe2\x80\x94 ";  // em dash and a space

PrivateKey KeyFromHex(const std::string& hex) {
  std::string b = *HexDecode(hex);
  std::array<std::uint8_t, 32> seed;
  std::copy(b.begin(), b.end(), seed.begin());
  return PrivateKey::FromSeed(seed);
}

NoteVerifier VerifierFor(const std::string& name, const PrivateKey& key) {
  auto v = ParseVerifierKey(VerifierKeyString(name, key.public_key()));
  REQUIRE(v.ok());
  return *v;
}

// Computed with Python's `cryptography` and hashlib (independent of our
// code): seed = SHA-256("fundledger signed-note test seed"), a checkpoint
// body for tree size 42 with the empty-tree root.
constexpr char kKatSeed[] =
    "064b29b85e620d92e13373ea83199e8aecc90fb464e53e4fb160a5e0f025c154";
constexpr char kKatName[] = "fundledger/test-ledger";
constexpr char kKatVerifierKey[] =
    "fundledger/test-ledger+c0783f4b+AQAL/4SlkxyieSLnSmKie0PotTnpqauFs4Tl62zt/"
    "Mnb";
const std::string kKatBody =
    "fundledger/test-ledger\n42\n47DEQpj8HBSa+/"
    "TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n";
const std::string kKatNote =
    kKatBody + "\n" + kDash +
    "fundledger/test-ledger wHg/S3W596otOhCns9CvqhukuMXYDDhJ/X+8IuljC1bzmuqKe"
    "PfmKXaD9iIw19NCQAqEbKfiSkGu/CyHidT0jRN8QQY=\n";

TEST_CASE("signed note matches an independent Python computation", "[crypto]") {
  PrivateKey key = KeyFromHex(kKatSeed);
  CHECK(VerifierKeyString(kKatName, key.public_key()) == kKatVerifierKey);
  CHECK(SignNote(kKatBody, kKatName, key) == kKatNote);
  auto v = ParseVerifierKey(kKatVerifierKey);
  REQUIRE(v.ok());
  CHECK(v->name == kKatName);
  CHECK(HexEncode(std::string_view(
            reinterpret_cast<const char*>(v->key_hash.data()), 4)) ==
        "c0783f4b");
  auto body = OpenNote(kKatNote, *v);
  REQUIRE(body.ok());
  CHECK(*body == kKatBody);
}

// golang.org/x/mod/sumdb/note: the package example and note_test.go.
// PeterNeumann's seed is the tail of its published signer key
// "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
// EnochRoot's key is what GenerateKey derives from an all-zero reader.
const std::string kGoText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
const std::string kPeterKey =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const std::string kEnochKey =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const std::string kPeterSig =
    kDash +
    "PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2p"
    "ZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const std::string kEnochSig =
    kDash +
    "EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5"
    "ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

TEST_CASE("signed notes match Go's sumdb/note vectors", "[crypto]") {
  auto peter_seed =
      Base64Decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz");
  REQUIRE(peter_seed);
  REQUIRE(peter_seed->size() == 33);
  PrivateKey peter = KeyFromHex(HexEncode(peter_seed->substr(1)));
  PrivateKey enoch = PrivateKey::FromSeed({});
  CHECK(VerifierKeyString("PeterNeumann", peter.public_key()) == kPeterKey);
  CHECK(VerifierKeyString("EnochRoot", enoch.public_key()) == kEnochKey);
  CHECK(SignNote(kGoText, "PeterNeumann", peter) == kGoText + "\n" + kPeterSig);
  CHECK(SignNote(kGoText, "EnochRoot", enoch) == kGoText + "\n" + kEnochSig);

  auto pv = ParseVerifierKey(kPeterKey);
  auto ev = ParseVerifierKey(kEnochKey);
  REQUIRE(pv.ok());
  REQUIRE(ev.ok());
  const std::string both = kGoText + "\n" + kPeterSig + kEnochSig;
  auto by_peter = OpenNote(both, *pv);
  REQUIRE(by_peter.ok());
  CHECK(*by_peter == kGoText);
  CHECK(OpenNote(both, *ev).ok());
  CHECK(OpenNote(kGoText + "\n" + kEnochSig + kPeterSig, *pv).ok());
  auto tampered = both;
  tampered.replace(tampered.find("cryptography"), 12, "cryptographY");
  CHECK_FALSE(OpenNote(tampered, *pv).ok());
}

TEST_CASE("verifier keys whose base64 holds '+' parse", "[crypto]") {
  // transparency-dev/formats note tests.
  auto v = ParseVerifierKey(
      "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6");
  REQUIRE(v.ok());
  CHECK(v->name == "TEST");
  CHECK(v->key_hash == std::array<std::uint8_t, 4>{0x79, 0x97, 0x40, 0x5c});
  CHECK(VerifierKeyString("TEST", v->public_key) ==
        "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6");
}

TEST_CASE("malformed verifier keys are refused", "[crypto]") {
  const std::string good = kPeterKey;
  const std::string kBad[] = {
      "",
      "PeterNeumann",
      "PeterNeumann+c74f20a3",
      "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "PeterNeumann+c74f20+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "PeterNeuman+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW ",
      "PeterNeumann+c74f20a3+ApRc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      good + "AAAA",
  };
  for (const auto& k : kBad) {
    INFO(k);
    auto r = ParseVerifierKey(k);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().reason == "invalid_key");
  }
  // Names with spaces, and small-order keys, are refused even with a
  // matching hash.
  PublicKey identity{};
  identity[0] = 1;
  CHECK_FALSE(ParseVerifierKey(VerifierKeyString("fine", identity)).ok());
  CHECK_FALSE(
      ParseVerifierKey(
          VerifierKeyString("two words", PrivateKey::FromSeed({}).public_key()))
          .ok());
  CHECK_FALSE(
      ParseVerifierKey(VerifierKeyString("a\xe2\x80\x83"
                                         "b",  // EM SPACE
                                         PrivateKey::FromSeed({}).public_key()))
          .ok());
}

TEST_CASE("signed notes round-trip and refuse tampering", "[crypto]") {
  PrivateKey key = PrivateKey::Generate();
  const std::string name = "fundledger/round-trip";
  const std::string body =
      name + "\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
  NoteVerifier v = VerifierFor(name, key);
  std::string note = SignNote(body, name, key);
  REQUIRE(note.rfind(body + "\n" + kDash + name + " ", 0) == 0);
  auto opened = OpenNote(note, v);
  REQUIRE(opened.ok());
  CHECK(*opened == body);

  SECTION("tampered body") {
    std::string bad = note;
    bad[name.size() + 1] = '8';
    auto r = OpenNote(bad, v);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().reason == "bad_signature");
  }
  SECTION("tampered signature") {
    std::string bad = note;
    std::size_t at = bad.size() - 10;
    bad[at] = bad[at] == 'A' ? 'B' : 'A';
    CHECK_FALSE(OpenNote(bad, v).ok());
  }
  SECTION("signature lines for unknown keys are ignored") {
    PrivateKey witness = PrivateKey::Generate();
    std::string wline =
        SignNote(body, "witness.example/w1", witness).substr(body.size() + 1);
    std::string garbage_key_line =
        kDash + "other " + Base64Encode("12345") + "\n";
    std::string with_extra = note + wline + garbage_key_line;
    auto r = OpenNote(with_extra, v);
    REQUIRE(r.ok());
    CHECK(*r == body);
    std::string extra_first =
        body + "\n" + wline + note.substr(body.size() + 1);
    CHECK(OpenNote(extra_first, v).ok());
    // The witness's own verifier accepts the same note too.
    CHECK(
        OpenNote(with_extra, VerifierFor("witness.example/w1", witness)).ok());
  }
  SECTION("wrong key fails") {
    PrivateKey other = PrivateKey::Generate();
    auto r = OpenNote(note, VerifierFor(name, other));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().reason == "bad_signature");
    CHECK_FALSE(OpenNote(note, VerifierFor(name + "x", key)).ok());
    // Same name and key hash, but a different key: a forged verifier.
    NoteVerifier forged = v;
    forged.public_key = other.public_key();
    CHECK_FALSE(OpenNote(note, forged).ok());
  }
  SECTION("a note with only other keys' signatures fails") {
    PrivateKey other = PrivateKey::Generate();
    auto r = OpenNote(SignNote(body, "someone", other), v);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().reason == "bad_signature");
  }
  SECTION("a bad line by our key fails even next to a good one") {
    std::string sig_line = note.substr(body.size() + 1);
    std::string bad_line = sig_line;
    std::size_t at = bad_line.size() - 10;
    bad_line[at] = bad_line[at] == 'A' ? 'B' : 'A';
    CHECK_FALSE(OpenNote(body + "\n" + sig_line + bad_line, v).ok());
  }
}

TEST_CASE("malformed notes are refused", "[crypto]") {
  PrivateKey key = PrivateKey::FromSeed({});
  const std::string name = "n";
  const std::string body = "line one\nline two\n";
  NoteVerifier v = VerifierFor(name, key);
  const std::string note = SignNote(body, name, key);
  const std::string line = note.substr(body.size() + 1);
  const std::string b64 =
      line.substr(kDash.size() + name.size() + 1,
                  line.size() - kDash.size() - name.size() - 2);
  REQUIRE(OpenNote(note, v).ok());
  // Blank lines inside the body are allowed: the last one splits.
  REQUIRE(OpenNote(SignNote("a\n\nb\n", name, key), v).ok());

  std::string too_many = body + "\n";
  for (int i = 0; i < 100; ++i)
    too_many += kDash + "x " + Base64Encode("12345") + "\n";
  std::string hundred = too_many;
  too_many += line;
  const std::string kBad[] = {
      "",
      body,                                      // no signatures
      body + line,                               // no blank line
      note.substr(0, note.size() - 1),           // last line unterminated
      note + "\n",                               // trailing blank line
      body + "\n" + "- n " + b64 + "\n",         // ASCII dash
      body + "\n" + kDash + "n  " + b64 + "\n",  // double space
      body + "\n" + kDash + "n " + b64.substr(1) + "\n",
      body + "\n" + kDash + "n " + b64 + " \n",
      body + "\n" + kDash + "n " + b64.substr(0, b64.size() - 1) + "\n",
      body + "\n" + kDash + " " + b64 + "\n",  // empty name
      body + "\n" + kDash + "n" + "\n",        // no signature
      body + "\n" + kDash + "n " + Base64Encode("1234") + "\n" + line,
      "line\tone\n\n" + line,      // control character
      "line \xff\n\n" + line,      // invalid UTF-8
      "line \xc0\xaf\n\n" + line,  // overlong UTF-8
      too_many,                    // 101 signature lines
  };
  for (const auto& bad : kBad) {
    INFO(bad);
    auto r = OpenNote(bad, v);
    REQUIRE_FALSE(r.ok());
    CHECK((r.error().reason == "malformed_note" ||
           r.error().reason == "bad_signature"));
  }
  // Non-canonical base64 in our line: the same bytes, other text. 68
  // bytes leave 2 spare bits in the character before the one '='.
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string noncanon = b64;
  REQUIRE(noncanon.substr(noncanon.size() - 2, 1) != "=");
  REQUIRE(noncanon.back() == '=');
  char& last = noncanon[noncanon.size() - 2];
  last = alphabet[alphabet.find(last) ^ 1];
  REQUIRE(Base64Decode(b64));
  auto r = OpenNote(body + "\n" + kDash + "n " + noncanon + "\n", v);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().reason == "malformed_note");

  // 100 lines of others' signatures plus none of ours: no valid signature,
  // but 99 plus ours is within the limit.
  CHECK(OpenNote(hundred, v).error().reason == "bad_signature");
  std::string ninety_nine = body + "\n";
  for (int i = 0; i < 99; ++i)
    ninety_nine += kDash + "x " + Base64Encode("12345") + "\n";
  CHECK(OpenNote(ninety_nine + line, v).ok());
}

TEST_CASE("SignNote refuses bodies and names it cannot sign", "[crypto]") {
  PrivateKey key = PrivateKey::FromSeed({});
  CHECK_THROWS_AS(SignNote("no newline", "n", key), std::invalid_argument);
  CHECK_THROWS_AS(SignNote("", "n", key), std::invalid_argument);
  CHECK_THROWS_AS(SignNote("tab\there\n", "n", key), std::invalid_argument);
  CHECK_THROWS_AS(SignNote("ok\n", "has space", key), std::invalid_argument);
  CHECK_THROWS_AS(SignNote("ok\n", "a+b", key), std::invalid_argument);
  CHECK_THROWS_AS(SignNote("ok\n", "", key), std::invalid_argument);
}

TEST_CASE("NoteKeyHash hashes name, newline, 0x01 and the key", "[crypto]") {
  // Go's PeterNeumann key hash is c74f20a3.
  auto v = ParseVerifierKey(kPeterKey);
  REQUIRE(v.ok());
  CHECK(NoteKeyHash("PeterNeumann", v->public_key) ==
        std::array<std::uint8_t, 4>{0xc7, 0x4f, 0x20, 0xa3});
}

}  // namespace
}  // namespace fl
