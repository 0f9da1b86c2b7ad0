// Durability: a child appends with several producers and is killed with
// SIGKILL at random moments; every receipt it got must survive and the log
// must verify (LEDGER.md 7).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "ledger/verifier.h"
#include "test_world.h"

using fl::Json;

namespace {

// Runs in the forked child: appends until killed, reporting each
// acknowledged receipt on `fd` right after Append returns.
[[noreturn]] void AppendForever(fl::test::World& w, int round, int fd) {
  w.Reopen();
  std::vector<std::jthread> producers;
  for (int t = 0; t < 4; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0;; ++i) {
        std::string n = std::to_string(round) + "-" + std::to_string(t) + "-" +
                        std::to_string(i);
        auto r =
            w.Append(w.Envelope("b-" + n, "budget.appropriated", "cz-530000",
                                {{"allocation_id", "lot-" + n},
                                 {"fiscal_year", 2024},
                                 {"fund", "lottery.provincial"},
                                 {"division_code", "530000"},
                                 {"program", "SWS.OPS"},
                                 {"amount_fen", 100 + i},
                                 {"doc_no", "doc " + n}}));
        if (!r.ok()) ::_exit(3);
        std::string line = std::to_string(r.receipts[0].seq) + " b-" + n + "\n";
        if (::write(fd, line.data(), line.size()) < 0) ::_exit(4);
      }
    });
  }
  for (;;) ::pause();
}

}  // namespace

TEST_CASE("acknowledged entries survive SIGKILL (20 kills)", "[crash]") {
  fl::test::World w;
  w.AddAgency("cz-530000", "finance", "530000");
  w.Close();
  std::mt19937 rng(7);
  std::map<std::uint64_t, std::string> acked;
  for (int round = 0; round < 20; ++round) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(fds[0]);
      AppendForever(w, round, fds[1]);
    }
    ::close(fds[1]);
    // Kill after the child has acknowledged a random number of appends, then
    // a random moment later: waiting for progress, not a fixed window, keeps
    // the test meaningful on a slow (sanitized, busy) machine.
    const int want = std::uniform_int_distribution<int>(1, 40)(rng);
    std::string got;
    char buf[4096];
    ssize_t n;
    while (std::count(got.begin(), got.end(), '\n') < want &&
           (n = ::read(fds[0], buf, sizeof buf)) > 0)
      got.append(buf, n);
    std::this_thread::sleep_for(std::chrono::microseconds(
        std::uniform_int_distribution<int>(0, 30000)(rng)));
    REQUIRE(::kill(pid, SIGKILL) == 0);
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) got.append(buf, n);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(WIFSIGNALED(status));  // it was still appending when killed
    std::istringstream lines(got);
    std::uint64_t seq;
    std::string id;
    int this_round = 0;
    while (lines >> seq >> id) {
      acked[seq] = id;
      ++this_round;
    }
    INFO("round " << round);
    CHECK(this_round >= want);

    w.Reopen();
    for (const auto& [s, event_id] : acked) {
      auto entry = w.ledger().EntryAt(s);
      REQUIRE(entry.ok());
      CHECK(Json::parse(*entry)["event"]["id"] == event_id);
    }
    w.Close();
    auto report = fl::VerifyLedger(w.dir(), {});
    REQUIRE(report.ok());
    INFO(report->problem);
    CHECK(report->ok());
  }
  CHECK(acked.size() > 100);
}
