// The limits API.md added in 2026-12, over real sockets: connections per
// client address, the first-request deadline, idle keep-alive connections
// closed to make room at the cap, the agency rate charged only for good
// signatures, the bounded projection read queue (proofs never wait behind
// it) and the 4 MiB page of GET /v1/entries.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "http_fixture.h"
#include "ledger/limits.h"
#include "raw_conn.h"

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

void WaitForConnections(HttpWorld& w, int n) {
  for (int i = 0; i < 300 && w.server().open_connections() != n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(w.server().open_connections() == n);
}

// Holds every projection read at the start of its read thread until
// Release, so a test can fill the read pool and its queue.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  int entered = 0;
  void Pass() {
    std::unique_lock lock(mu);
    ++entered;
    cv.notify_all();
    cv.wait(lock, [&] { return open; });
  }
  void Release() {
    std::lock_guard lock(mu);
    open = true;
    cv.notify_all();
  }
  int Entered() {
    std::lock_guard lock(mu);
    return entered;
  }
  bool WaitEntered(int n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10),
                       [&] { return entered >= n; });
  }
};

// Opens the gate when a test ends, whatever fails in it: held reads then
// finish before their futures and the server are destroyed (both wait).
struct ReleaseOnExit {
  Gate& gate;
  ~ReleaseOnExit() { gate.Release(); }
};

// Polls `queued` (a server's queue length) until it reaches n, for up to
// 5 s; returns the last value.
template <class F>
int WaitQueued(F queued, int n) {
  for (int i = 0; i < 500 && queued() < n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return queued();
}

}  // namespace

TEST_CASE("one client address holds at most 64 connections, others are served",
          "[http][limits]") {
  HttpWorld w;  // the default cap, loopback included
  const int cap = fl::limits::kMaxConnectionsPerAddress;
  std::vector<std::unique_ptr<RawConn>> held;
  for (int i = 0; i < cap; ++i) {
    held.push_back(std::make_unique<RawConn>(w.port()));
  }
  WaitForConnections(w, cap);
  // The 65th from the same address is closed at once, unanswered.
  RawConn extra(w.port());
  std::string got;
  CHECK(extra.ReadUntilClosed(std::chrono::seconds(2), &got));
  CHECK(got.empty());
  WaitForConnections(w, cap);
  // Another address is served meanwhile.
  RawConn other(w.port(), "127.0.0.2");
  CHECK(other.Get("/healthz").starts_with("HTTP/1.1 200"));
  // One of the 64 closes: its address may connect again.
  held.pop_back();
  WaitForConnections(w, cap);  // the 64 held minus one, plus `other`
  RawConn again(w.port());
  CHECK(again.Get("/v1/ledger").starts_with("HTTP/1.1 200"));
}

TEST_CASE("a smaller per-address cap (serve --max-conns-per-ip) holds too",
          "[http][limits]") {
  HttpWorld w(
      [](fl::http::ServerOptions& o) { o.max_connections_per_address = 2; });
  RawConn a(w.port()), b(w.port());
  WaitForConnections(w, 2);
  RawConn c(w.port());
  CHECK(c.ReadUntilClosed(std::chrono::seconds(2)));
  // The two held ones still work, and 127.0.0.2 has its own two.
  CHECK(a.Get("/healthz").starts_with("HTTP/1.1 200"));
  RawConn d(w.port(), "127.0.0.2"), e(w.port(), "127.0.0.2");
  CHECK(d.Get("/healthz").starts_with("HTTP/1.1 200"));
  CHECK(e.Get("/healthz").starts_with("HTTP/1.1 200"));
}

TEST_CASE("a connection that sends no request in time is closed",
          "[http][limits]") {
  HttpWorld w([](fl::http::ServerOptions& o) {
    o.first_request_timeout = std::chrono::milliseconds(300);
    // Far longer than the test: only the first-request deadline can fire.
    o.idle_timeout = std::chrono::seconds(60);
    o.request_timeout = std::chrono::seconds(60);
  });
  auto before = w.Take();
  RawConn silent(w.port());
  auto started = Clock::now();
  REQUIRE(silent.ReadUntilClosed(std::chrono::seconds(5)));
  CHECK(Seconds(started) >= 0.25);
  CHECK(Seconds(started) < 4.0);
  // Trickling bytes does not extend it: the whole first request is due.
  RawConn trickle(w.port());
  started = Clock::now();
  REQUIRE(trickle.Send("GET /v1/ledger HTTP/1.1\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  trickle.Send("Host: x\r\n");
  std::string got;
  REQUIRE(trickle.ReadUntilClosed(std::chrono::seconds(5), &got));
  CHECK(got.empty());
  CHECK(Seconds(started) < 4.0);
  // A prompt client is unaffected, and its later requests are held to the
  // idle timeout, not the first-request one.
  RawConn prompt(w.port());
  CHECK(prompt.Get("/healthz").starts_with("HTTP/1.1 200"));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  CHECK(prompt.Get("/healthz").starts_with("HTTP/1.1 200"));
  w.RequireUnchanged(before);
}

TEST_CASE("at the connection cap an idle keep-alive connection makes room",
          "[http][limits]") {
  HttpWorld w([](fl::http::ServerOptions& o) { o.max_connections = 3; });
  // Three clients, each served once and now idle between requests.
  std::vector<std::unique_ptr<RawConn>> idle;
  for (int i = 0; i < 3; ++i) {
    idle.push_back(std::make_unique<RawConn>(w.port()));
    REQUIRE(idle.back()->Get("/healthz").starts_with("HTTP/1.1 200"));
  }
  WaitForConnections(w, 3);
  // A new client gets through: one idle connection was closed for it. (A
  // connection counts as idle once the server is waiting for its next
  // request, a moment after the client read its answer: hence the retry.)
  bool served = false;
  for (int attempt = 0; attempt < 20 && !served; ++attempt) {
    RawConn fresh(w.port());
    served = fresh.Get("/v1/ledger").starts_with("HTTP/1.1 200");
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(served);
  int closed = 0;
  for (auto& c : idle) closed += c->ReadUntilClosed(std::chrono::seconds(1));
  CHECK(closed == 1);
  CHECK(w.server().open_connections() <= 3);
}

TEST_CASE("connections that never sent a request are not evicted",
          "[http][limits]") {
  HttpWorld w([](fl::http::ServerOptions& o) { o.max_connections = 2; });
  RawConn a(w.port()), b(w.port());
  WaitForConnections(w, 2);
  // Neither is an idle keep-alive connection: the new one is refused.
  RawConn c(w.port());
  CHECK(c.ReadUntilClosed(std::chrono::seconds(2)));
  CHECK(a.Get("/healthz").starts_with("HTTP/1.1 200"));
}

TEST_CASE("bad signatures do not use up an agency's append rate",
          "[http][limits]") {
  HttpWorld w([](fl::http::ServerOptions& o) { o.agency_rate = 1; });
  auto before = w.Take();
  // A forgery: signed with cz-530000's real key id, then altered.
  auto forged = [&](const std::string& id) {
    Json env = w.Envelope(id, "budget.appropriated", "cz-530000",
                          Budget("lot-" + id, "530000"));
    env["event"]["data"]["amount_fen"] = 999'999'999;
    return env;
  };
  // Forgeries in cz-530000's name, one at a time and as batches: every
  // one is 401, none is 429, and nothing is stored.
  for (int i = 0; i < 10; ++i) {
    auto r = w.Post("/v1/events", forged("f-" + std::to_string(i)).dump());
    CHECK(r.status == 401);
    CHECK(ProblemCode(r) == "bad_signature");
  }
  for (int i = 0; i < 3; ++i) {
    Json batch = {{"events", Json::array()}};
    for (int j = 0; j < 5; ++j) {
      batch["events"].push_back(
          forged("fb-" + std::to_string(i) + "-" + std::to_string(j)));
    }
    auto r = w.Post("/v1/events:batch", batch.dump());
    CHECK(r.status == 401);
    CHECK(ProblemCode(r) == "bad_signature");
  }
  // Signed by a key nobody registered, in cz-530000's name.
  const fl::PrivateKey real = w.world().key("cz-530000");
  w.world().SetKey("cz-530000", fl::PrivateKey::Generate());
  for (int i = 0; i < 5; ++i) {
    auto r = w.Post("/v1/events",
                    w.Envelope("u-" + std::to_string(i), "budget.appropriated",
                               "cz-530000", Budget("lot-u", "530000"))
                        .dump());
    CHECK(r.status == 401);
    CHECK(ProblemCode(r) == "unknown_key");
  }
  w.world().SetKey("cz-530000", real);
  w.RequireUnchanged(before);
  // The real agency still has its whole allowance.
  auto good =
      w.Post("/v1/events", w.Envelope("b-1", "budget.appropriated", "cz-530000",
                                      Budget("lot-1", "530000"))
                               .dump());
  CHECK(good.status == 201);
  // And good signatures are still charged: the limit itself holds.
  int limited = 0;
  for (int i = 2; i < 8 && limited == 0; ++i) {
    auto r = w.Post(
        "/v1/events",
        w.Envelope("b-" + std::to_string(i), "budget.appropriated", "cz-530000",
                   Budget("lot-" + std::to_string(i), "530000"))
            .dump());
    if (r.status == 429) ++limited;
  }
  CHECK(limited == 1);
}

TEST_CASE(
    "projection reads queue to a bounded depth and proofs never wait for them",
    "[http][limits]") {
  Gate gate;
  HttpWorld w([&gate](fl::http::ServerOptions& o) {
    o.read_threads = 2;
    o.read_queue_depth = 2;
    o.before_projection_read = [&gate](std::string_view, bool) { gate.Pass(); };
  });
  for (int i = 0; i < 3; ++i) {
    w.world().MustAppend(
        w.Envelope("b-" + std::to_string(i), "budget.appropriated", "cz-530000",
                   Budget("lot-" + std::to_string(i), "530000")));
  }
  auto before = w.Take();
  const std::string token = w.auditor();
  const unsigned short port = w.port();
  auto read = [port, token] {
    fl::http::Client c("127.0.0.1", std::to_string(port),
                       std::chrono::seconds(30));
    return c.Get("/v1/balances?division_code=530000", token).status;
  };
  // Two reads hold both read threads; two more wait in the queue.
  std::vector<std::future<int>> held;
  ReleaseOnExit release_on_exit{gate};
  held.push_back(std::async(std::launch::async, read));
  held.push_back(std::async(std::launch::async, read));
  REQUIRE(gate.WaitEntered(2));
  held.push_back(std::async(std::launch::async, read));
  held.push_back(std::async(std::launch::async, read));
  REQUIRE(WaitQueued([&] { return w.server().queued_projection_reads(); }, 2) ==
          2);

  // One more projection read is refused at once, with Retry-After.
  fl::http::Client probe("127.0.0.1", std::to_string(port),
                         std::chrono::seconds(5));
  auto over = probe.Get("/v1/flags", token);
  CHECK(over.status == 503);
  CHECK(ProblemCode(over) == "overloaded");
  CHECK(std::stoi(over.header("retry-after")) >= 1);
  auto lot = probe.Get("/v1/lots/lot-1", token);
  CHECK(lot.status == 503);
  CHECK(ProblemCode(lot) == "overloaded");

  // The public and ledger routes answer while every read thread is held
  // (the client's 5 s timeout would throw if they waited behind them).
  CHECK(probe.Get("/v1/proofs/inclusion?seq=1&tree_size=3").status == 200);
  CHECK(probe.Get("/v1/proofs/consistency?first=1&second=3").status == 200);
  CHECK(probe.Get("/v1/checkpoint").status == 200);
  CHECK(probe.Get("/v1/ledger").status == 200);
  CHECK(probe.Get("/v1/entries/2", token).status == 200);
  CHECK(probe.Get("/v1/entries?start=0&limit=10", token).status == 200);
  CHECK(probe.Get("/healthz").status == 200);
  CHECK(probe.Get("/v1/projections", token).status == 200);
  CHECK(gate.Entered() == 2);  // nothing overtook the held reads

  gate.Release();
  for (auto& f : held) CHECK(f.get() == 200);
  // The refused reads changed nothing, and the queue is usable again.
  w.RequireUnchanged(before);
  CHECK(w.server().queued_projection_reads() == 0);
  CHECK(probe.Get("/v1/flags", token).status == 200);
}

TEST_CASE(
    "historic as_of reads wait in their own lane; current reads never queue "
    "behind them",
    "[http][limits]") {
  Gate gate;
  HttpWorld w([&gate](fl::http::ServerOptions& o) {
    o.read_threads = 1;
    o.read_queue_depth = 1;
    o.historic_read_threads = 1;
    o.historic_queue_depth = 1;
    // Only historic reads are held: they fill their lane and its queue.
    o.before_projection_read = [&gate](std::string_view, bool historic) {
      if (historic) gate.Pass();
    };
  });
  const char* dates[] = {"2024-01-10T08:00:00Z", "2024-03-10T08:00:00Z",
                         "2024-06-10T08:00:00Z"};
  for (int i = 0; i < 3; ++i) {
    w.world().MustAppend(w.world().Envelope(
        "b-" + std::to_string(i), "budget.appropriated", "cz-530000",
        Budget("lot-" + std::to_string(i), "530000"), dates[i]));
  }
  auto before = w.Take();
  const std::string token = w.auditor();
  const unsigned short port = w.port();
  auto read = [port, token](const std::string& target) {
    fl::http::Client c("127.0.0.1", std::to_string(port),
                       std::chrono::seconds(30));
    return c.Get(target, token).status;
  };
  std::vector<std::future<int>> held;
  ReleaseOnExit release_on_exit{gate};
  // The lane is chosen against the newest date the worker has applied.
  const std::string last = std::to_string(w.ledger().TreeSize() - 1);
  REQUIRE(w.Get("/v1/flags?min_seq=" + last, token).status == 200);
  held.push_back(
      std::async(std::launch::async, read, "/v1/flags?as_of=2024-02-01"));
  REQUIRE(gate.WaitEntered(1));
  held.push_back(
      std::async(std::launch::async, read, "/v1/lots?as_of=2024-04-01"));
  REQUIRE(WaitQueued([&] { return w.server().queued_historic_reads(); }, 1) ==
          1);

  fl::http::Client probe("127.0.0.1", std::to_string(port),
                         std::chrono::seconds(5));
  // The lane and its queue are full: one more historic read is refused.
  auto over = probe.Get("/v1/lots?as_of=2024-03-01", token);
  CHECK(over.status == 503);
  CHECK(ProblemCode(over) == "overloaded");
  CHECK(over.body.find("historic") != std::string::npos);
  CHECK(std::stoi(over.header("retry-after")) >= 1);
  // The same for balances at a day the day histories do not hold (every
  // day before 2024-03-31, the agencies' date, which the budgets of
  // January and March came after in seq order): they would fold.
  CHECK(probe.Get("/v1/balances?as_of=2024-02-01", token).status == 503);
  // Days from 2024-03-31 to 2024-06-09 are held: flags, balances and the
  // cap report there come from the histories in the other lane.
  for (const char* target :
       {"/v1/flags?as_of=2024-05-01", "/v1/balances?as_of=2024-04-01",
        "/v1/reports/caps?as_of=2024-04-01"}) {
    INFO(target);
    CHECK(probe.Get(target, token).status == 200);
  }
  // Reads at the current date, or at or after the newest date, or with a
  // bad as_of, go on in the other lane, one after another (its queue of
  // one is never needed: each is answered before the next is sent).
  for (int i = 0; i < 5; ++i) {
    CHECK(probe.Get("/v1/flags", token).status == 200);
    CHECK(probe.Get("/v1/balances?division_code=530000", token).status == 200);
    CHECK(probe.Get("/v1/flags?as_of=2024-06-10", token).status == 200);
    CHECK(probe.Get("/v1/lots?as_of=2025-01-01", token).status == 200);
    auto bad = probe.Get("/v1/flags?as_of=2024-02-30", token);
    CHECK(bad.status == 400);
  }
  CHECK(w.server().queued_projection_reads() == 0);
  CHECK(gate.Entered() == 1);  // the queued historic read is still waiting

  gate.Release();
  for (auto& f : held) CHECK(f.get() == 200);
  w.RequireUnchanged(before);
  CHECK(w.server().queued_historic_reads() == 0);
  CHECK(gate.Entered() == 2);
  CHECK(probe.Get("/v1/lots?as_of=2024-03-01", token).status == 200);
}

TEST_CASE("a page of GET /v1/entries stops at 4 MiB of entries",
          "[http][limits]") {
  HttpWorld w;
  // program.defined events near the 60,000-byte event limit: 850 words
  // of 64 characters each.
  auto big = [&](int i) {
    Json words = Json::array();
    for (int j = 0; j < 850; ++j) {
      std::string word = "w" + std::to_string(i) + "-" + std::to_string(j);
      word.resize(64, 'x');
      words.push_back(word);
    }
    return w.Envelope("prog-" + std::to_string(i), "program.defined", "admin",
                      {{"program", "BIG.P" + std::to_string(i)},
                       {"name", "Big program"},
                       {"purposes", words},
                       {"allowed_categories", Json::array({"goods"})}});
  };
  const std::uint64_t first = w.ledger().TreeSize();
  const int kBig = 90;  // about 5 MiB of entries
  std::vector<Json> batch;
  for (int i = 0; i < kBig; ++i) batch.push_back(big(i));
  for (std::size_t i = 0; i < batch.size(); i += 30) {
    std::vector<Json> part(batch.begin() + static_cast<long>(i),
                           batch.begin() + static_cast<long>(i + 30));
    REQUIRE(w.world().AppendBatch(part).ok());
  }
  const std::uint64_t size = w.ledger().TreeSize();
  REQUIRE(size == first + kBig);

  auto before = w.Take();
  std::uint64_t start = first;
  std::uint64_t seen = 0;
  int pages = 0;
  while (start < size) {
    auto r = w.Get("/v1/entries?start=" + std::to_string(start) + "&limit=1000",
                   w.auditor());
    REQUIRE(r.status == 200);
    Json page = Json::parse(r.body);
    auto& entries = page.at("entries");
    REQUIRE(!entries.empty());
    std::size_t bytes = 0;
    std::uint64_t want = start;
    for (auto& e : entries) {
      // In seq order with none skipped (an auditor of 000000 sees all).
      CHECK(e.at("seq").get<std::uint64_t>() == want);
      auto text = w.ledger().EntryAt(want);
      REQUIRE(text.ok());
      bytes += text->size();
      ++want;
      ++seen;
    }
    CHECK(bytes <= fl::limits::kMaxEntriesPageBytes);
    std::uint64_t last = entries.back().at("seq").get<std::uint64_t>();
    if (last + 1 < size) {
      // Stopped short of `limit` at the byte cap, pointing at the next.
      REQUIRE(page.at("next").is_number());
      CHECK(page.at("next").get<std::uint64_t>() == last + 1);
      auto next = w.ledger().EntryAt(last + 1);
      REQUIRE(next.ok());
      CHECK(bytes + next->size() > fl::limits::kMaxEntriesPageBytes);
      start = last + 1;
    } else {
      CHECK(page.at("next").is_null());
      start = size;
    }
    ++pages;
  }
  CHECK(seen == static_cast<std::uint64_t>(kBig));
  CHECK(pages >= 2);
  w.RequireUnchanged(before);
}
