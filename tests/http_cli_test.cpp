// The commands around the server, run as a user would: `serve` answers
// and exits 0 on SIGTERM, `token create` prints only the token, and
// `append` signs and posts in batches, naming the first refused line.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

#include "api/client/http_client.h"
#include "binary_process.h"
#include "crypto/encoding.h"
#include "crypto/key_file.h"
#include "ledger/envelope.h"
#include "ledger/ledger.h"
#include "ledger/verifier.h"
#include "test_util.h"

using fl::Json;
using fl::test::RunBinary;
using fl::test::ServeProcess;
using Output = fl::test::CommandOutput;

namespace {

Json BudgetEvent(const std::string& id, std::int64_t amount = 1000) {
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
            {"amount_fen", amount},
            {"doc_no", "doc " + id}}}};
}

}  // namespace

TEST_CASE("serve, token create and append work together; SIGTERM exits 0",
          "[http]") {
  fl::test::TempDir tmp;
  std::string dir = tmp.str() + "/ledger";
  std::string origin;
  {
    fl::InitOptions o;
    o.name = "cli.test";
    auto init = fl::Ledger::Init(dir, o);
    REQUIRE(init.ok());
    origin = init->info.origin;
  }
  ServeProcess serve(dir);
  fl::http::Client client("127.0.0.1", serve.port());

  // The admin registers a finance bureau whose key is in a file.
  std::string key_file = tmp.str() + "/cz.pem";
  fl::PrivateKey cz = fl::PrivateKey::Generate();
  REQUIRE(fl::WritePrivateKeyFile(key_file, cz).ok());
  auto admin = fl::ReadPrivateKeyFile(dir + "/admin.pem");
  REQUIRE(admin.ok());
  Json reg = {
      {"id", "reg-cz"},
      {"type", "agency.registered"},
      {"agency", "admin"},
      {"occurred_at", "2024-01-01T00:00:00Z"},
      {"data",
       {{"agency", "cz-530000"},
        {"name", "Yunnan finance"},
        {"kind", "finance"},
        {"division_code", "530000"},
        {"public_key", fl::Base64Encode(fl::AsBytes(cz.public_key()))}}}};
  REQUIRE(
      client.Post("/v1/events", fl::SignEnvelope(reg, *admin, origin).dump())
          .status == 201);

  SECTION("token create prints the token alone and stores only its hash") {
    Output t = RunBinary("token create --data " + dir +
                         " --role auditor --scope 000000");
    REQUIRE(t.status == 0);
    REQUIRE(t.out.size() > 1);
    REQUIRE(t.out.back() == '\n');
    std::string token = t.out.substr(0, t.out.size() - 1);
    CHECK(token.find_first_of(" \n{") == std::string::npos);
    std::string stored = fl::test::ReadFile(dir + "/tokens.jsonl");
    CHECK(stored.find(token) == std::string::npos);
    CHECK(stored.find(fl::HexEncode(fl::AsBytes(fl::Sha256(token)))) !=
          std::string::npos);
    // The running server takes it without a restart.
    CHECK(client.Get("/v1/entries/1", token).status == 200);

    Output bad =
        RunBinary("token create --data " + dir + " --role king --scope 000000");
    CHECK(bad.status != 0);
    CHECK(bad.out.empty());
    CHECK(bad.err.find("role") != std::string::npos);
  }

  SECTION("append signs and posts in batches; stops at a refused batch") {
    std::string good = tmp.str() + "/good.jsonl";
    {
      std::ofstream f(good);
      for (int i = 0; i < 2500; ++i)
        f << BudgetEvent("g-" + std::to_string(i)).dump() << "\n";
    }
    Output ok = RunBinary("append --url http://127.0.0.1:" + serve.port() +
                          " --key " + key_file + " " + good);
    INFO(ok.err);
    REQUIRE(ok.status == 0);
    Json summary = Json::parse(ok.out);
    CHECK(summary.at("accepted") == 2500);
    CHECK(summary.at("tree_size") == 2502);

    std::string bad = tmp.str() + "/bad.jsonl";
    {
      std::ofstream f(bad);
      for (int i = 0; i < 1200; ++i) {
        f << BudgetEvent("h-" + std::to_string(i), i == 1099 ? 0 : 1000).dump()
          << "\n";
      }
    }
    Output refused = RunBinary("append --url http://127.0.0.1:" + serve.port() +
                               " --key " + key_file + " " + bad);
    CHECK(refused.status == 1);
    CHECK(refused.err.find("line 1100: invalid_field") != std::string::npos);
    CHECK(refused.err.find("1000 events accepted before it") !=
          std::string::npos);
    // The first batch (1000) went in; the refused one stored nothing.
    auto info = client.Get("/v1/ledger");
    CHECK(Json::parse(info.body).at("tree_size") == 2502 + 1000);
  }

  client.Close();
  CHECK(serve.Terminate() == 0);
  // Closed cleanly: the ledger opens and verifies.
  auto report = fl::VerifyLedger(dir, {});
  REQUIRE(report.ok());
  CHECK(report->ok());
}
