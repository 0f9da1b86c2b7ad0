// import: signed envelopes straight into a ledger no server has open, with
// every check the HTTP path makes (they live in ledger/).
#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <istream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "api/cli/progress.h"
#include "api/cli/work_team.h"
#include "ledger/ledger.h"

namespace fl::cli {
namespace {

// Lines per round: prepared (parsed, signature-checked) on every core,
// then appended as one group commit while the next round is prepared.
constexpr std::size_t kChunk = 1024;

// Up to kChunk non-blank lines, read and prepared.
struct Round {
  std::vector<std::size_t> numbers;  // 1-based line numbers in the file
  std::vector<PreparedEvent> prepared;
  std::uint64_t bytes_read = 0;  // of the file, through this round
};

// Reads the file a round at a time, so a large file is never held whole
// (the 1M fixture's 580 MB were, and reading it all first left a core
// idle for ~1.5 s), and prepares each round on every core.
class RoundReader {
 public:
  RoundReader(std::istream& in, const Ledger& ledger, WorkTeam& team)
      : in_(in), ledger_(ledger), team_(team) {}

  Round Next() {
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
    r.prepared.resize(lines.size());
    team_.ForEach(lines.size(), [&](std::size_t i) {
      r.prepared[i] = ledger_.Prepare(lines[i]);
    });
    return r;
  }

 private:
  std::istream& in_;
  const Ledger& ledger_;
  WorkTeam& team_;
  std::size_t line_ = 0;
  std::uint64_t bytes_ = 0;
};

// One thread, for the whole import, reads and prepares rounds ahead of the
// caller's round in the group commit (mostly waiting on its synced write):
// one prepared round waits in a slot while the thread prepares the next,
// so at most three rounds are held. Prepare only parses and checks signatures;
// sequencing re-checks against the log, so preparing ahead changes no
// answer (an event signed by a key that an earlier round registers is
// verified by the leader instead).
class RoundPipeline {
 public:
  RoundPipeline(std::istream& in, const Ledger& ledger)
      : team_(std::max(1u, std::thread::hardware_concurrency()) - 1),
        reader_(in, ledger, team_),
        thread_([this] { Produce(); }) {}

  ~RoundPipeline() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  RoundPipeline(const RoundPipeline&) = delete;
  RoundPipeline& operator=(const RoundPipeline&) = delete;

  // The next round; one with nothing prepared is the end of the file.
  // Rethrows what reading or preparing threw.
  Round Take() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return ready_.has_value() || failure_; });
    if (!ready_) std::rethrow_exception(failure_);
    Round r = std::move(*ready_);
    ready_.reset();
    cv_.notify_all();
    return r;
  }

 private:
  void Produce() {
    try {
      for (;;) {
        Round r = reader_.Next();
        const bool end = r.prepared.empty();
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !ready_; });
        if (stopping_) return;
        ready_ = std::move(r);
        cv_.notify_all();
        if (end) return;
      }
    } catch (...) {
      std::lock_guard lock(mu_);
      failure_ = std::current_exception();
      cv_.notify_all();
    }
  }

  WorkTeam team_;
  RoundReader reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Round> ready_;  // read and prepared, not yet taken
  std::exception_ptr failure_;
  bool stopping_ = false;
  std::thread thread_;  // last: it starts once the rest is built
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
  RoundPipeline pipeline(in, *ledger);
  for (;;) {
    Round round = pipeline.Take();
    if (round.prepared.empty()) break;
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
        return 1;  // the pipeline stops; nothing appends its rounds
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
