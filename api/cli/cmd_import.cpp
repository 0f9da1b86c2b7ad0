// import: signed envelopes straight into a ledger no server has open, with
// every check the HTTP path makes (they live in ledger/).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "api/cli/progress.h"
#include "ledger/ledger.h"

namespace fl::cli {
namespace {

// Lines per round: prepared (parsed, signature-checked) on every core,
// then appended as one group commit while the next round is prepared.
constexpr std::size_t kChunk = 1024;

struct Line {
  std::size_t number;  // 1-based line number in the file
  std::string text;
};

// Prepares lines [begin, end) of `lines` on every core. Each thread takes
// the next line as it finishes one: with a fixed share each (every
// threads-th line), the thread sharing a core with the committing leader
// finished last and the others waited for it, and `import` kept the two
// cores ~88% busy (perf, issue 10).
std::vector<PreparedEvent> PrepareAll(const Ledger& ledger,
                                      const std::vector<Line>& all,
                                      std::size_t begin, std::size_t end) {
  const Line* lines = all.data() + begin;
  const std::size_t count = end - begin;
  std::vector<PreparedEvent> out(count);
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<std::size_t> next{0};
  std::vector<std::jthread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (std::size_t i; (i = next.fetch_add(1)) < count;) {
        out[i] = ledger.Prepare(lines[i].text);
      }
    });
  }
  return out;  // jthreads join first: `pool` is destroyed before return
}

}  // namespace

int Import(const Args& args) {
  if (args.positional().size() != 1)
    throw UsageError("one FILE.jsonl expected");
  const std::string& path = args.positional()[0];
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<Line> all;
  std::string text;
  for (std::size_t n = 1; std::getline(in, text); ++n) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    all.push_back({n, std::move(text)});
  }
  auto ledger = Take(Ledger::Open(args.Required("data")));
  Progress progress("import", all.size());
  std::size_t appended = 0, repeats = 0;
  // A pipeline of two: round k+1 is prepared on every core while round k
  // sits in the group commit (mostly waiting on its synced write). Prepare
  // only parses and checks signatures; sequencing re-checks against the log,
  // so preparing ahead changes no answer (an event signed by a key that the
  // round before registers is verified by the leader instead).
  auto prepare_round = [&](std::size_t start) {
    return std::async(std::launch::async, [&ledger, &all, start] {
      return PrepareAll(*ledger, all, start,
                        std::min(all.size(), start + kChunk));
    });
  };
  std::future<std::vector<PreparedEvent>> next;
  if (!all.empty()) next = prepare_round(0);
  for (std::size_t start = 0; start < all.size(); start += kChunk) {
    std::vector<PreparedEvent> prepared = next.get();
    if (start + kChunk < all.size()) next = prepare_round(start + kChunk);
    const Line* chunk = all.data() + start;
    std::vector<std::vector<PreparedEvent>> units;
    units.resize(prepared.size());
    for (std::size_t i = 0; i < prepared.size(); ++i) {
      units[i].push_back(std::move(prepared[i]));
    }
    auto results = ledger->Append(std::move(units), /*stop_on_error=*/true);
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (!results[i].ok()) {
        progress.Finish(appended);
        const Error& e = results[i].errors.front().error;
        std::string msg = "line " + std::to_string(chunk[i].number) + ": " +
                          e.reason + ": " + e.detail;
        if (!e.field.empty()) msg += " (at " + e.field + ")";
        std::fprintf(stderr,
                     "fundledger import: %s; %zu entries appended "
                     "before it\n",
                     msg.c_str(), appended);
        return 1;
      }
      if (results[i].receipts.front().repeat) {
        ++repeats;
      } else {
        ++appended;
      }
    }
    progress.Update(start + results.size());
  }
  progress.Finish(appended);
  Json out = {{"appended", appended},
              {"repeats", repeats},
              {"tree_size", ledger->TreeSize()}};
  std::puts(out.dump().c_str());
  return 0;
}

}  // namespace fl::cli
