// The server under load and abuse, over real sockets: many concurrent
// appenders, slow and idle clients, the limits of API.md, and a graceful
// stop that finishes in-flight appends.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "crypto/encoding.h"
#include "http_fixture.h"
#include "ledger/merkle.h"
#include "raw_conn.h"
#include "test_util.h"

using fl::Json;
using fl::test::Budget;
using fl::test::HttpWorld;
using fl::test::ProblemCode;
using fl::test::RawConn;
using Clock = std::chrono::steady_clock;

namespace {

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

Json BudgetEnvelope(HttpWorld& w, const std::string& id) {
  return w.Envelope(id, "budget.appropriated", "cz-530000",
                    Budget("lot-" + id, "530000"));
}

struct HttpReceipt {
  std::uint64_t seq;
  std::string event_id, leaf_hash, checkpoint;
};

}  // namespace

TEST_CASE(
    "32 concurrent clients append 20k events: no loss, no duplicate, "
    "all provable",
    "[http]") {
  HttpWorld w;
  constexpr int kClients = 32;
  // 20,000 in all (5,000 under TSan: kTsanShrink).
  constexpr int kEach = 625 / fl::test::kTsanShrink;
  const std::uint64_t start_size = w.ledger().TreeSize();

  // Signed before the clock starts, as agencies would.
  std::vector<std::vector<std::string>> bodies(kClients);
  {
    std::vector<std::jthread> signers;
    for (int c = 0; c < kClients; ++c) {
      signers.emplace_back([&, c] {
        for (int j = 0; j < kEach; ++j) {
          // Built with append: GCC 12 -O3 warns (-Wrestrict) on "c" + string&&.
          std::string id = std::string("c").append(std::to_string(c));
          id += '-';
          id += std::to_string(j);
          bodies[c].push_back(BudgetEnvelope(w, id).dump());
        }
      });
    }
  }
  std::vector<std::vector<HttpReceipt>> receipts(kClients);
  std::atomic<int> failures{0};
  {
    std::vector<std::jthread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] {
        auto client = w.NewClient();
        for (const auto& body : bodies[c]) {
          auto res = client.Post("/v1/events", body);
          if (res.status != 201) {
            ++failures;
            continue;
          }
          Json r = Json::parse(res.body);
          receipts[c].push_back({r.at("seq"), r.at("event_id"),
                                 r.at("leaf_hash"), r.at("checkpoint")});
        }
      });
    }
  }
  REQUIRE(failures == 0);

  auto final_cp = w.OpenCp(w.Get("/v1/checkpoint").body);
  REQUIRE(final_cp.size == start_size + kClients * kEach);
  std::set<std::uint64_t> seqs;
  std::set<std::string> opened_ok;
  std::size_t total = 0, checked_over_http = 0;
  for (int c = 0; c < kClients; ++c) {
    REQUIRE(receipts[c].size() == kEach);
    for (const auto& r : receipts[c]) {
      ++total;
      seqs.insert(r.seq);
      REQUIRE(r.seq >= start_size);
      REQUIRE(r.seq < final_cp.size);
      // The receipt's own checkpoint is signed and covers its seq.
      if (!opened_ok.contains(r.checkpoint)) {
        REQUIRE(w.OpenCp(r.checkpoint).size > r.seq);
        opened_ok.insert(r.checkpoint);
      }
      auto leaf = fl::HexDecode(r.leaf_hash);
      REQUIRE(leaf);
      fl::Hash leaf_hash;
      std::copy(leaf->begin(), leaf->end(), leaf_hash.begin());
      auto entry = w.ledger().EntryAt(r.seq);
      REQUIRE(entry.ok());
      REQUIRE(fl::LeafHash(*entry) == leaf_hash);
      REQUIRE(Json::parse(*entry).at("event").at("id") == r.event_id);
      std::vector<fl::Hash> proof;
      if (r.seq % 100 == 0) {
        // Every hundredth through the API, the rest in process.
        auto res = w.Get("/v1/proofs/inclusion?seq=" + std::to_string(r.seq) +
                         "&tree_size=" + std::to_string(final_cp.size));
        REQUIRE(res.status == 200);
        Json body = Json::parse(res.body);  // outlives the loop below
        for (const auto& h : body.at("hashes")) {
          auto raw = fl::HexDecode(h.get<std::string>());
          fl::Hash x;
          std::copy(raw->begin(), raw->end(), x.begin());
          proof.push_back(x);
        }
        ++checked_over_http;
      } else {
        auto p = w.ledger().InclusionProof(r.seq, final_cp.size);
        REQUIRE(p.ok());
        proof = *p;
      }
      REQUIRE(fl::VerifyInclusion(leaf_hash, r.seq, final_cp.size, proof,
                                  final_cp.root));
    }
  }
  constexpr std::size_t kTotal = kClients * kEach;
  CHECK(total == kTotal);
  CHECK(seqs.size() == kTotal);  // no duplicate seq
  CHECK(*seqs.begin() == start_size);
  CHECK(*seqs.rbegin() == start_size + kTotal - 1);  // no gap either
  CHECK(checked_over_http >= kTotal / 100 * 3 / 4);  // every hundredth seq
  // Group commit grouped: fewer synced writes than entries.
  auto stats = w.ledger().Stats();
  CHECK(stats.groups < stats.entries);
}

TEST_CASE(
    "slow clients (one byte per second) do not delay others, and are "
    "cut off by the request timeout",
    "[http]") {
  HttpWorld w([](fl::http::ServerOptions& o) {
    o.request_timeout = std::chrono::seconds(8);
  });
  const std::uint64_t start_size = w.ledger().TreeSize();
  std::string slow_body = BudgetEnvelope(w, "slow").dump();
  std::string slow_request =
      "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: "
      "application/json\r\nContent-Length: " +
      std::to_string(slow_body.size()) + "\r\n\r\n" + slow_body;

  constexpr int kSlow = 8;
  std::atomic<int> cut_off{0};
  std::vector<double> cut_after(kSlow);
  std::vector<std::jthread> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.emplace_back([&, i] {
      RawConn conn(w.port());
      auto started = Clock::now();
      for (std::size_t b = 0; b < slow_request.size(); ++b) {
        if (!conn.Send(slow_request.substr(b, 1))) break;
        if (conn.ReadUntilClosed(std::chrono::milliseconds(1000))) break;
      }
      cut_after[i] = Seconds(started);
      ++cut_off;
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  // Meanwhile a normal client appends and reads at full speed.
  auto started = Clock::now();
  double worst = 0;
  for (int i = 0; i < 30; ++i) {
    auto t = Clock::now();
    auto res = w.Post("/v1/events",
                      BudgetEnvelope(w, "fast-" + std::to_string(i)).dump());
    REQUIRE(res.status == 201);
    REQUIRE(w.Get("/v1/checkpoint").status == 200);
    worst = std::max(worst, Seconds(t));
  }
  double fast_total = Seconds(started);
  CHECK(worst < 2.0);
  CHECK(fast_total < 6.0);  // done before any slow client was cut off
  CHECK(cut_off == 0);

  slow.clear();  // joins
  for (double s : cut_after) {
    CHECK(s >= 7.5);
    CHECK(s < 12.0);
  }
  // The slow requests never completed: nothing of theirs was stored.
  CHECK(w.ledger().TreeSize() == start_size + 30);
}

TEST_CASE("an idle keep-alive connection is closed after the idle timeout",
          "[http]") {
  HttpWorld w([](fl::http::ServerOptions& o) {
    o.idle_timeout = std::chrono::milliseconds(800);
  });
  RawConn idle(w.port());
  auto started = Clock::now();
  REQUIRE(idle.ReadUntilClosed(std::chrono::seconds(5)));
  CHECK(Seconds(started) >= 0.6);
  // After a request, the connection idles out the same way.
  RawConn used(w.port());
  REQUIRE(used.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string got;
  started = Clock::now();
  REQUIRE(used.ReadUntilClosed(std::chrono::seconds(5), &got));
  CHECK(got.starts_with("HTTP/1.1 200"));
  CHECK(Seconds(started) >= 0.6);
}

TEST_CASE("a header over 16 KiB gets 431 and a closed connection", "[http]") {
  HttpWorld w;
  auto before = w.Take();
  RawConn conn(w.port());
  REQUIRE(conn.Send("GET /v1/ledger HTTP/1.1\r\nHost: x\r\nX-Big: " +
                    std::string(17 * 1024, 'a') + "\r\n\r\n"));
  std::string got;
  REQUIRE(conn.ReadUntilClosed(std::chrono::seconds(5), &got));
  CHECK(got.starts_with("HTTP/1.1 431"));
  CHECK(got.find("urn:fundledger:error:payload_too_large") !=
        std::string::npos);
  // Just under the limit is fine.
  RawConn ok(w.port());
  REQUIRE(
      ok.Send("GET /v1/ledger HTTP/1.1\r\nHost: x\r\nConnection: "
              "close\r\nX-Big: " +
              std::string(15 * 1024, 'a') + "\r\n\r\n"));
  std::string fine;
  REQUIRE(ok.ReadUntilClosed(std::chrono::seconds(5), &fine));
  CHECK(fine.starts_with("HTTP/1.1 200"));
  w.RequireUnchanged(before);
}

TEST_CASE("a chunked body over 1 MiB is 413 and nothing is stored", "[http]") {
  HttpWorld w;
  auto before = w.Take();
  RawConn conn(w.port());
  std::string chunk(64 * 1024, ' ');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
  REQUIRE(
      conn.Send("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: "
                "application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
  for (int i = 0; i < 20; ++i) {
    if (!conn.Send(std::string(size_line) + chunk + "\r\n")) break;
  }
  std::string got;
  REQUIRE(conn.ReadUntilClosed(std::chrono::seconds(5), &got));
  CHECK(got.starts_with("HTTP/1.1 413"));
  CHECK(got.find("payload_too_large") != std::string::npos);
  w.RequireUnchanged(before);
}

TEST_CASE("connections over the cap are closed; others carry on", "[http]") {
  HttpWorld w([](fl::http::ServerOptions& o) { o.max_connections = 3; });
  // The fixture's own client is not connected yet.
  std::vector<std::unique_ptr<RawConn>> held;
  for (int i = 0; i < 3; ++i)
    held.push_back(std::make_unique<RawConn>(w.port()));
  for (int i = 0; i < 100 && w.server().open_connections() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(w.server().open_connections() == 3);
  RawConn extra(w.port());
  CHECK(extra.ReadUntilClosed(std::chrono::seconds(2)));
  // A held connection still works.
  REQUIRE(
      held[0]->Send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: "
                    "close\r\n\r\n"));
  std::string got;
  REQUIRE(held[0]->ReadUntilClosed(std::chrono::seconds(5), &got));
  CHECK(got.starts_with("HTTP/1.1 200"));
  // Its slot is free again for a new client.
  for (int i = 0; i < 100 && w.server().open_connections() > 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(w.Get("/healthz").status == 200);
}

TEST_CASE("Stop finishes in-flight appends and answers them", "[http]") {
  HttpWorld w;
  const std::uint64_t start_size = w.ledger().TreeSize();
  std::atomic<int> acknowledged{0};
  std::atomic<bool> go{true};
  std::vector<std::vector<std::uint64_t>> seqs(16);
  std::vector<std::jthread> clients;
  for (int c = 0; c < 16; ++c) {
    clients.emplace_back([&, c] {
      auto client = w.NewClient();
      for (int j = 0; go; ++j) {
        std::string body =
            BudgetEnvelope(w, std::string("s").append(std::to_string(c)) + "-" +
                                  std::to_string(j))
                .dump();
        try {
          auto res = client.Post("/v1/events", body);
          if (res.status != 201) return;
          seqs[c].push_back(Json::parse(res.body).at("seq"));
          ++acknowledged;
        } catch (const std::exception&) {
          return;  // the server closed: this request was not stored
        }
      }
    });
  }
  while (acknowledged < 300) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto started = Clock::now();
  w.server().Stop();
  CHECK(Seconds(started) < 10);
  go = false;
  clients.clear();
  // Every acknowledged append is stored, and every stored one was
  // acknowledged: in-flight appends finished and were answered.
  std::uint64_t size = w.ledger().TreeSize();
  CHECK(size == start_size + static_cast<std::uint64_t>(acknowledged.load()));
  for (const auto& list : seqs) {
    for (auto s : list) CHECK(s < size);
  }
  // Nothing listens any more.
  CHECK_THROWS(w.NewClient().Get("/healthz"));
}
