#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "crypto/encoding.h"
#include "crypto/sha256.h"
#include "test_util.h"

namespace fl {
namespace {

std::string HexOf(const Hash& h) { return HexEncode(AsBytes(h)); }

std::string Unhex(const std::string& hex) {
  auto b = HexDecode(hex);
  REQUIRE(b);
  return *b;
}

TEST_CASE("SHA-256 matches every NIST CAVP ShortMsg vector", "[crypto]") {
  std::istringstream in(
      test::ReadFile(test::VectorsDir() / "sha256" / "SHA256ShortMsg.rsp"));
  std::string line;
  long len_bits = -1;
  std::string msg;
  int count = 0;
  auto value = [](const std::string& l) {
    std::string v = l.substr(l.find('=') + 1);
    while (!v.empty() && (v.front() == ' ')) v.erase(0, 1);
    while (!v.empty() && (v.back() == '\r' || v.back() == ' ')) v.pop_back();
    return v;
  };
  while (std::getline(in, line)) {
    if (line.rfind("Len =", 0) == 0) {
      len_bits = std::stol(value(line));
    } else if (line.rfind("Msg =", 0) == 0) {
      msg = Unhex(value(line));
    } else if (line.rfind("MD =", 0) == 0) {
      REQUIRE(len_bits >= 0);
      REQUIRE(len_bits % 8 == 0);
      // Len is in bits; "Len = 0" still lists one placeholder byte.
      std::string data = msg.substr(0, static_cast<std::size_t>(len_bits / 8));
      INFO("Len = " << len_bits);
      CHECK(HexOf(Sha256(data)) == value(line));
      Sha256Hasher h;
      h.Update(data.substr(0, data.size() / 2));
      h.Update(data.substr(data.size() / 2));
      CHECK(HexOf(h.Final()) == value(line));
      ++count;
      len_bits = -1;
    }
  }
  CHECK(count == 65);
}

TEST_CASE("SHA-256 matches the NIST examples", "[crypto]") {
  auto j = nlohmann::json::parse(test::ReadFile(test::VectorsDir() / "sha256" /
                                                "sha256_nist_examples.json"));
  int count = 0;
  for (const auto& t : j.at("tests")) {
    INFO(t.at("name").get<std::string>());
    std::string data;
    if (t.contains("message_repeat")) {
      const auto& r = t.at("message_repeat");
      data.assign(r.at("count").get<std::size_t>(),
                  Unhex(r.at("byte_hex").get<std::string>())[0]);
    } else {
      data = Unhex(t.at("message_hex").get<std::string>());
      CHECK(data == t.at("message_ascii").get<std::string>());
    }
    std::string want = t.at("digest_hex").get<std::string>();
    CHECK(HexOf(Sha256(data)) == want);
    // Fed in uneven pieces, as a streaming caller would.
    Sha256Hasher h;
    for (std::size_t i = 0, step = 1; i < data.size();
         i += step, step = step * 3 + 1) {
      h.Update(std::string_view(data).substr(i, step));
    }
    CHECK(HexOf(h.Final()) == want);
    ++count;
  }
  CHECK(count == 4);
}

TEST_CASE("Sha256Hasher resets after Final and survives moves", "[crypto]") {
  const std::string abc_digest =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  Sha256Hasher h;
  h.Update("a");
  h.Update("");
  h.Update("bc");
  CHECK(HexOf(h.Final()) == abc_digest);
  h.Update("abc");  // Final reset the state
  CHECK(HexOf(h.Final()) == abc_digest);
  CHECK(HexOf(h.Final()) == HexOf(Sha256("")));

  Sha256Hasher a;
  a.Update("ab");
  Sha256Hasher b(std::move(a));
  b.Update("c");
  CHECK(HexOf(b.Final()) == abc_digest);
  Sha256Hasher c;
  c = std::move(b);
  c.Update("abc");
  CHECK(HexOf(c.Final()) == abc_digest);
}

}  // namespace
}  // namespace fl
