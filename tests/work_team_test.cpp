// WorkTeam (api/cli/work_team.h), the threads `import` prepares on: every
// index of every loop runs exactly once, and a loop has finished when
// ForEach returns, round after round on the same threads.
#include "api/cli/work_team.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <set>
#include <thread>
#include <vector>

using fl::cli::WorkTeam;

TEST_CASE("a work team runs every index once in every loop", "[work_team]") {
  for (unsigned helpers : {0u, 1u, 3u}) {
    WorkTeam team(helpers);
    REQUIRE(team.threads() == helpers + 1);
    std::set<std::thread::id> seen_threads;
    std::mutex seen_mu;
    for (std::size_t round = 0; round < 300; ++round) {
      const std::size_t n = (round * 37) % 1100;  // 0 included
      std::vector<std::atomic<int>> calls(n);
      team.ForEach(n, [&](std::size_t i) {
        calls[i].fetch_add(1);
        if (i % 64 == 0) {
          std::lock_guard lock(seen_mu);
          seen_threads.insert(std::this_thread::get_id());
        }
      });
      // Read after ForEach returned: a call still running would show 0.
      for (std::size_t i = 0; i < n; ++i) {
        INFO("helpers " << helpers << " round " << round << " index " << i);
        REQUIRE(calls[i].load() == 1);
      }
    }
    // The same threads every round: never more than the team.
    CHECK(seen_threads.size() <= team.threads());
    CHECK(!seen_threads.empty());
  }
}

TEST_CASE("a work team's loops see what the caller wrote before them",
          "[work_team]") {
  WorkTeam team(2);
  std::vector<int> input(512), output(512);
  for (int round = 1; round <= 200; ++round) {
    for (std::size_t i = 0; i < input.size(); ++i)
      input[i] = round * 1000 + static_cast<int>(i);
    team.ForEach(input.size(),
                 [&](std::size_t i) { output[i] = input[i] + 1; });
    for (std::size_t i = 0; i < input.size(); ++i)
      REQUIRE(output[i] == round * 1000 + static_cast<int>(i) + 1);
  }
}
