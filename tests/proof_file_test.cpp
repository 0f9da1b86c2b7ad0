// C2SP tlog-proof files (issue 13): made by the ledger, served over HTTP
// and by `fundledger proof file`, and checked offline by `verify-proof`
// with the verifier key alone; a tampered file or entry fails.
#include "ledger/proof_file.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "binary_process.h"
#include "crypto/encoding.h"
#include "http_fixture.h"

namespace fl::test {
namespace {

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST_CASE("a proof file round-trips and checks offline; tampering fails",
          "[transparency]") {
  HttpWorld w;
  for (int i = 0; i < 40; ++i) {
    w.world().MustAppend(
        w.Envelope("b-" + std::to_string(i), "budget.appropriated", "cz-530000",
                   Budget("lot-" + std::to_string(i), "530000")));
  }
  const std::uint64_t seq = 17;
  auto verifier = ParseVerifierKey(w.ledger().Info().verifier_key);
  REQUIRE(verifier.ok());

  // Public: no entry inside; with an auditor token: the entry as extra.
  auto bare = w.Get("/v1/proofs/file?seq=17");
  REQUIRE(bare.status == 200);
  auto bare_file = ParseProofFile(bare.body);
  REQUIRE(bare_file.ok());
  CHECK_FALSE(bare_file->extra.has_value());
  CHECK(bare.body.starts_with("c2sp.org/tlog-proof@v1\nindex 17\n"));
  auto full = w.Get("/v1/proofs/file?seq=17", w.auditor());
  REQUIRE(full.status == 200);
  auto file = ParseProofFile(full.body);
  REQUIRE(file.ok());
  REQUIRE(file->extra.has_value());
  auto stored = w.ledger().EntryAt(seq);
  REQUIRE(stored.ok());
  CHECK(*file->extra == *stored);
  CHECK(FormatProofFile(*file) == full.body);

  auto proven = VerifyProofFile(*file, *verifier, std::nullopt);
  REQUIRE(proven.ok());
  CHECK(proven->checkpoint.size == w.ledger().TreeSize());
  CHECK(VerifyProofFile(*bare_file, *verifier, *stored).ok());
  // No entry to check is an error, not a pass.
  CHECK_FALSE(VerifyProofFile(*bare_file, *verifier, std::nullopt).ok());

  SECTION("tampering") {
    ProofFile t = *file;
    t.proof[0][0] ^= 1;
    CHECK_FALSE(VerifyProofFile(t, *verifier, std::nullopt).ok());
    t = *file;
    t.index = 18;  // another entry's place
    CHECK_FALSE(VerifyProofFile(t, *verifier, std::nullopt).ok());
    t = *file;
    std::string other = *w.ledger().EntryAt(18);
    CHECK_FALSE(VerifyProofFile(t, *verifier, other).ok());
    t = *file;
    t.extra->back() = t.extra->back() == '}' ? ' ' : '}';
    CHECK_FALSE(VerifyProofFile(t, *verifier, std::nullopt).ok());
    t = *file;
    t.checkpoint[t.checkpoint.find('\n') + 1] ^= 1;  // the size line
    CHECK_FALSE(VerifyProofFile(t, *verifier, std::nullopt).ok());
    auto stranger = ParseVerifierKey(
        VerifierKeyString(verifier->name, PrivateKey::Generate().public_key()));
    REQUIRE(stranger.ok());
    CHECK_FALSE(VerifyProofFile(*file, *stranger, std::nullopt).ok());
  }

  SECTION("strict parsing") {
    for (const std::string& bad :
         {std::string("c2sp.org/tlog-proof@v2\nindex 1\n\nx"),
          std::string("c2sp.org/tlog-proof@v1\nindex 01\n\nx"),
          std::string("c2sp.org/tlog-proof@v1\nindex -1\n\nx"),
          std::string("c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\nx"),
          std::string("c2sp.org/tlog-proof@v1\nindex 1\n"),
          std::string("c2sp.org/tlog-proof@v1\nindex 1\n\n"),
          std::string("c2sp.org/tlog-proof@v1\nextra !!\nindex 1\n\nx")}) {
      INFO(bad);
      CHECK_FALSE(ParseProofFile(bad).ok());
    }
  }

  SECTION("the commands") {
    TempDir dir;
    const std::string path = dir.str() + "/17.tlog-proof";
    WriteText(path, full.body);
    const std::string vkey = w.ledger().Info().verifier_key;
    auto ok =
        RunBinary("verify-proof '" + path + "' --verifier-key '" + vkey + "'");
    INFO(ok.err);
    CHECK(ok.status == 0);
    CHECK(ok.out.find("entry 17 is in the log") != std::string::npos);
    std::string bad = full.body;
    bad[bad.find("index 17") + 6] = '9';
    WriteText(path, bad);
    auto fail =
        RunBinary("verify-proof '" + path + "' --verifier-key '" + vkey + "'");
    CHECK(fail.status == 1);
    CHECK(fail.err.find("FAILED") != std::string::npos);

    auto made =
        RunBinary("proof file --data '" + w.world().dir() + "' --seq 17");
    INFO(made.err);
    REQUIRE(made.status == 0);
    auto made_file = ParseProofFile(made.out);
    REQUIRE(made_file.ok());
    CHECK(VerifyProofFile(*made_file, *verifier, std::nullopt).ok());
  }
}

}  // namespace
}  // namespace fl::test
