// LEDGER.md 2 (amended 2026-12): a signature covers "fundledger.event.v2\n",
// the ledger's origin and "\n" before JCS(event). Envelopes signed the v1
// way (no origin) or for another ledger are refused as bad_signature, and
// nothing is stored.
#include <catch2/catch.hpp>

#include "crypto/encoding.h"
#include "ledger/canonical_json.h"
#include "ledger/entry.h"
#include "ledger/envelope.h"
#include "test_world.h"

using fl::Json;

namespace {

Json Budget(const std::string& id) {
  return {{"id", id},
          {"type", "budget.appropriated"},
          {"agency", "cz-530000"},
          {"occurred_at", "2024-03-31T08:00:00Z"},
          {"data",
           {{"allocation_id", "lot-" + id},
            {"fiscal_year", 2024},
            {"fund", "lottery.provincial"},
            {"division_code", "530000"},
            {"program", "SWS.OPS"},
            {"amount_fen", 1000},
            {"doc_no", "doc " + id}}}};
}

// An envelope whose signature covers `message` instead of the v2 bytes.
Json SignedOver(const Json& event, const fl::PrivateKey& key,
                const std::string& message) {
  fl::Signature sig = key.Sign(message);
  return Json{{"event", event},
              {"signature",
               {{"alg", "Ed25519"},
                {"key_id", fl::KeyId(key.public_key())},
                {"sig", fl::Base64Encode(fl::AsBytes(sig))}}}};
}

}  // namespace

TEST_CASE("signatures bind the ledger's origin; v1 and foreign ones refused",
          "[ledger][signature]") {
  fl::test::World w;
  w.AddAgency("cz-530000", "finance", "530000");
  const fl::PrivateKey& key = w.key("cz-530000");
  const std::string origin = w.ledger().Info().origin;
  REQUIRE(origin == "fundledger/test.example");

  SECTION("the v2 message is prefix, origin, newline, JCS(event)") {
    Json event = Budget("b-v2");
    CHECK(fl::SignedMessage(origin, fl::Canonicalize(event)) ==
          "fundledger.event.v2\nfundledger/test.example\n" +
              fl::Canonicalize(event));
    auto r = w.Append(SignedOver(
        event, key,
        "fundledger.event.v2\n" + origin + "\n" + fl::Canonicalize(event)));
    CHECK(r.ok());
  }

  struct Case {
    const char* name;
    std::string message;
  };
  Json event = Budget("b-bad");
  const std::string jcs = fl::Canonicalize(event);
  for (const Case& c : {
           Case{"v1 prefix without origin", "fundledger.event.v1\n" + jcs},
           Case{"another ledger's origin",
                "fundledger.event.v2\nfundledger/staging.example\n" + jcs},
           Case{"v2 prefix without origin", "fundledger.event.v2\n" + jcs},
       }) {
    INFO(c.name);
    w.Close();
    const std::string before = fl::test::DumpDb(w.dir());
    w.Reopen();
    auto r = w.Append(SignedOver(event, key, c.message));
    REQUIRE_FALSE(r.ok());
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].error.reason == "bad_signature");
    w.Close();
    CHECK(fl::test::DumpDb(w.dir()) == before);
    w.Reopen();
  }
}
