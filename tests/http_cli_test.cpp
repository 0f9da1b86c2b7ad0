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

#include "api/http_client.h"
#include "crypto/encoding.h"
#include "crypto/key_file.h"
#include "ledger/envelope.h"
#include "ledger/ledger.h"
#include "ledger/verifier.h"
#include "test_util.h"

using fl::Json;

namespace {

struct Output {
  int status = -1;
  std::string out, err;
};

// Runs FL_BINARY with `args` (shell words already quoted), capturing
// stdout and stderr.
Output Run(const std::string& args, const std::string& tmp) {
  std::string err_file = tmp + "/stderr.txt";
  std::string cmd = std::string(FL_BINARY) + " " + args + " 2>" + err_file;
  Output o;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) o.out.append(buf, n);
  int st = ::pclose(p);
  o.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  o.err = fl::test::ReadFile(err_file);
  return o;
}

// `fundledger serve` as a child process; its first stdout line says where
// it listens.
class ServeProcess {
 public:
  explicit ServeProcess(const std::string& dir) {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, STDERR_FILENO);
      ::execl(FL_BINARY, "fundledger", "serve", "--data", dir.c_str(),
              "--listen", "127.0.0.1:0", nullptr);
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
    std::string line;
    char c;
    while (line.find('\n') == std::string::npos) {
      pollfd p{out_, POLLIN, 0};
      REQUIRE(::poll(&p, 1, 10'000) == 1);
      REQUIRE(::read(out_, &c, 1) == 1);
      line += c;
    }
    Json ready = Json::parse(line);
    std::string listen = ready.at("listen");
    port_ = listen.substr(listen.rfind(':') + 1);
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
  }
  const std::string& port() const { return port_; }

  // SIGTERM, then the exit status (or -1 if it did not exit normally).
  int Terminate() {
    ::kill(pid_, SIGTERM);
    int st = 0;
    ::waitpid(pid_, &st, 0);
    pid_ = -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string port_;
};

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
  {
    fl::InitOptions o;
    o.name = "cli.test";
    auto init = fl::Ledger::Init(dir, o);
    REQUIRE(init.ok());
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
      client.Post("/v1/events", fl::SignEnvelope(reg, *admin).dump()).status ==
      201);

  SECTION("token create prints the token alone and stores only its hash") {
    Output t =
        Run("token create --data " + dir + " --role auditor --scope 000000",
            tmp.str());
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
        Run("token create --data " + dir + " --role king --scope 000000",
            tmp.str());
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
    Output ok = Run("append --url http://127.0.0.1:" + serve.port() +
                        " --key " + key_file + " " + good,
                    tmp.str());
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
    Output refused = Run("append --url http://127.0.0.1:" + serve.port() +
                             " --key " + key_file + " " + bad,
                         tmp.str());
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
