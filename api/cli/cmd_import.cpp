// import: signed envelopes straight into a ledger no server has open, with
// every check the HTTP path makes (they live in ledger/).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <istream>
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

// Prepares `lines` on every core. Each thread takes the next line as it
// finishes one: with a fixed share each (every threads-th line), the
// thread sharing a core with the committing leader finished last and the
// others waited for it, and `import` kept the two cores ~88% busy (perf,
// issue 10).
std::vector<PreparedEvent> PrepareAll(const Ledger& ledger,
                                      const std::vector<std::string>& lines) {
  std::vector<PreparedEvent> out(lines.size());
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<std::size_t> next{0};
  std::vector<std::jthread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (std::size_t i; (i = next.fetch_add(1)) < lines.size();) {
        out[i] = ledger.Prepare(lines[i]);
      }
    });
  }
  return out;  // jthreads join first: `pool` is destroyed before return
}

// Up to kChunk non-blank lines, read and prepared.
struct Round {
  std::vector<std::size_t> numbers;  // 1-based line numbers in the file
  std::vector<PreparedEvent> prepared;
  std::uint64_t bytes_read = 0;  // of the file, through this round
};

// Reads the file a round at a time, so a large file is never held whole
// (the 1M fixture's 580 MB were, and reading it all first left a core
// idle for ~1.5 s). One round is read and prepared at a time; `Next` is
// never called again before the previous call returned.
class RoundReader {
 public:
  explicit RoundReader(std::istream& in) : in_(in) {}

  Round Next(const Ledger& ledger) {
    Round r;
    std::vector<std::string> lines;
    std::string text;
    while (lines.size() < kChunk && std::getline(in_, text)) {
      ++line_;
      bytes_ += text.size() + 1;
      if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
      r.numbers.push_back(line_);
      lines.push_back(std::move(text));
    }
    r.bytes_read = bytes_;
    r.prepared = PrepareAll(ledger, lines);
    return r;
  }

 private:
  std::istream& in_;
  std::size_t line_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace

int Import(const Args& args) {
  if (args.positional().size() != 1)
    throw UsageError("one FILE.jsonl expected");
  const std::string& path = args.positional()[0];
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::error_code size_error;
  const std::uintmax_t file_bytes =
      std::filesystem::file_size(path, size_error);
  auto ledger = Take(Ledger::Open(args.Required("data")));
  // Bytes, not lines: the file is read as the import goes.
  Progress progress("import", size_error ? 0 : file_bytes, " bytes");
  std::size_t appended = 0, repeats = 0;
  // A pipeline of two: round k+1 is read and prepared on every core while
  // round k sits in the group commit (mostly waiting on its synced write).
  // Prepare only parses and checks signatures; sequencing re-checks
  // against the log, so preparing ahead changes no answer (an event signed
  // by a key that the round before registers is verified by the leader
  // instead).
  RoundReader reader(in);
  auto next_round = [&] {
    return std::async(std::launch::async,
                      [&reader, &ledger] { return reader.Next(*ledger); });
  };
  std::future<Round> next = next_round();
  for (;;) {
    Round round = next.get();
    if (round.prepared.empty()) break;
    next = next_round();
    std::vector<std::vector<PreparedEvent>> units;
    units.resize(round.prepared.size());
    for (std::size_t i = 0; i < round.prepared.size(); ++i) {
      units[i].push_back(std::move(round.prepared[i]));
    }
    auto results = ledger->Append(std::move(units), /*stop_on_error=*/true);
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (!results[i].ok()) {
        progress.Finish(appended);
        const Error& e = results[i].errors.front().error;
        std::string msg = "line " + std::to_string(round.numbers[i]) + ": " +
                          e.reason + ": " + e.detail;
        if (!e.field.empty()) msg += " (at " + e.field + ")";
        std::fprintf(stderr,
                     "fundledger import: %s; %zu entries appended "
                     "before it\n",
                     msg.c_str(), appended);
        return 1;  // `next` finishes its round first; nothing appends it
      }
      if (results[i].receipts.front().repeat) {
        ++repeats;
      } else {
        ++appended;
      }
    }
    progress.Update(round.bytes_read);
  }
  if (in.bad()) throw std::runtime_error("read error in " + path);
  progress.Finish(appended);
  Json out = {{"appended", appended},
              {"repeats", repeats},
              {"tree_size", ledger->TreeSize()}};
  std::puts(out.dump().c_str());
  return 0;
}

}  // namespace fl::cli
