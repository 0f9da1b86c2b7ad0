// A real ledger served on 127.0.0.1 (port chosen by the OS) for the HTTP
// tests, with the real projection worker, a keep-alive client, tokens, and
// a "nothing was stored" check that looks through the API itself.
#pragma once

#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/client/http_client.h"
#include "api/http/http_server.h"
#include "api/http/tokens.h"
#include "crypto/signed_note.h"
#include "ledger/checkpoint.h"
#include "replay/projections.h"
#include "test_world.h"

namespace fl::test {

inline Json Budget(const std::string& alloc, const std::string& division,
                   std::int64_t amount = 1'000'000) {
  return {{"allocation_id", alloc},       {"fiscal_year", 2024},
          {"fund", "lottery.provincial"}, {"division_code", division},
          {"program", "SWS.OPS"},         {"amount_fen", amount},
          {"doc_no", "云财社〔2024〕1号"}};
}

// A world with a provincial finance bureau, a county civil-affairs bureau
// and a station, served over HTTP.
class HttpWorld {
 public:
  explicit HttpWorld(
      const std::function<void(http::ServerOptions&)>& tweak = {}) {
    world_.AddAgency("cz-530000", "finance", "530000");
    world_.AddAgency("mz-530621", "civil_affairs", "530621");
    world_.AddAgency("zt-station-1", "station", "530621");
    http::ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.data_dir = world_.dir();
    o.tokens_file = DefaultTokensFile(world_.dir());
    o.io_threads = 2;
    o.append_threads = 64;
    o.access_log = [this](std::string_view line) {
      std::lock_guard lock(log_mu_);
      log_.emplace_back(line);
    };
    // As `serve` does: the worker tails the log into DIR/projections.
    auto p = replay::Projections::Open(world_.ledger(),
                                       world_.dir() + "/projections");
    REQUIRE(p.ok());
    projections_ = std::move(*p);
    projections_->Start();
    o.projections = projections_.get();
    if (tweak) tweak(o);
    server_ = std::make_unique<http::Server>(world_.ledger(), o);
    Status s = server_->Start();
    REQUIRE(s.ok());
    auditor_ = MustToken({"auditor", "000000", ""});
  }
  ~HttpWorld() {
    server_->Stop();
    projections_->Stop();
  }

  World& world() { return world_; }
  Ledger& ledger() { return world_.ledger(); }
  replay::Projections& projections() { return *projections_; }
  http::Server& server() { return *server_; }
  unsigned short port() const { return server_->port(); }
  http::Client NewClient() {
    return http::Client("127.0.0.1", std::to_string(port()),
                        std::chrono::seconds(30));
  }
  http::Client& client() {
    if (!client_) client_.emplace(NewClient());
    return *client_;
  }
  const std::string& auditor() const { return auditor_; }

  std::string MustToken(const TokenInfo& info) {
    auto t = CreateToken(DefaultTokensFile(world_.dir()), info);
    REQUIRE(t.ok());
    return *t;
  }

  Json Envelope(const std::string& id, const std::string& type,
                const std::string& agency, const Json& data) const {
    return world_.Envelope(id, type, agency, data);
  }

  http::ClientResponse Post(const std::string& target,
                            const std::string& body) {
    return client().Post(target, body);
  }
  http::ClientResponse Get(const std::string& target,
                           const std::string& token = {}) {
    return client().Get(target, token);
  }

  std::vector<std::string> Log() {
    std::lock_guard lock(log_mu_);
    return log_;
  }

  // What a refused request must leave unchanged, read over HTTP.
  struct Snapshot {
    std::uint64_t tree_size = 0;
    std::string checkpoint;
    std::string db;  // every RocksDB row (read-only view)
  };
  Snapshot Take() {
    Snapshot s;
    auto info = Get("/v1/ledger");
    REQUIRE(info.status == 200);
    s.tree_size = Json::parse(info.body).at("tree_size").get<std::uint64_t>();
    auto cp = Get("/v1/checkpoint");
    REQUIRE(cp.status == 200);
    s.checkpoint = cp.body;
    s.db = DumpDb(world_.dir());
    return s;
  }
  void RequireUnchanged(const Snapshot& before) {
    Snapshot now = Take();
    CHECK(now.tree_size == before.tree_size);
    CHECK(now.checkpoint == before.checkpoint);
    CHECK(now.db == before.db);
    auto entry =
        Get("/v1/entries/" + std::to_string(before.tree_size), auditor_);
    CHECK(entry.status == 404);
  }

  // Opens a checkpoint note with the ledger's verifier key.
  Checkpoint OpenCp(const std::string& note) {
    auto v = ParseVerifierKey(ledger().Info().verifier_key);
    REQUIRE(v.ok());
    auto cp = OpenCheckpoint(note, *v);
    REQUIRE(cp.ok());
    return *cp;
  }

 private:
  World world_;
  std::unique_ptr<replay::Projections> projections_;  // outlives server_
  std::unique_ptr<http::Server> server_;
  std::optional<http::Client> client_;
  std::string auditor_;
  std::mutex log_mu_;
  std::vector<std::string> log_;
};

// The problem document's code ("urn:fundledger:error:<code>").
inline std::string ProblemCode(const http::ClientResponse& r) {
  Json p = Json::parse(r.body, nullptr, false);
  if (!p.is_object()) return "(not json)";
  std::string type = p.value("type", "");
  constexpr std::string_view kPrefix = "urn:fundledger:error:";
  return type.starts_with(kPrefix) ? type.substr(kPrefix.size()) : type;
}

}  // namespace fl::test
