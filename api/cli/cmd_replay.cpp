// `fundledger replay`: every projection rebuilt from entry 0 in a fresh
// scratch store, balances and flags written as JSON, and a summary of the
// flags by rule and prefecture printed.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "api/cli/scratch_dir.h"
#include "api/console/division_names.h"
#include "ledger/canonical_json.h"
#include "ledger/ledger.h"
#include "replay/projections.h"

namespace fl::cli {
namespace {

std::string Prefecture(const std::string& division) {
  if (division.size() < 4) return division;
  return division.substr(0, 4) + "00";
}

void PrintSummary(const replay::ReplaySummary& s, const Json& out) {
  std::printf("replayed %llu entries in %.3f s (%.0f entries/s); as_of %s\n",
              static_cast<unsigned long long>(s.entries), s.seconds,
              s.seconds > 0 ? static_cast<double>(s.entries) / s.seconds : 0.0,
              out["as_of"].get<std::string>().c_str());
  std::map<std::string, std::map<std::string, int>> table;
  std::set<std::string> prefectures;
  std::map<std::string, std::map<std::string, int>> by_severity;
  for (const auto& f : out["flags"]) {
    std::string rule = f["rule"], pref = Prefecture(f["division_code"]);
    ++table[rule][pref];
    prefectures.insert(pref);
    ++by_severity[rule][f["severity"].get<std::string>()];
  }
  std::printf("flags: %zu\n", out["flags"].size());
  if (table.empty()) return;
  std::printf("%-5s", "rule");
  for (const auto& p : prefectures) std::printf(" %7s", p.c_str());
  std::printf(" %7s  severities\n", "total");
  for (const auto& [rule, row] : table) {
    int total = 0;
    std::printf("%-5s", rule.c_str());
    for (const auto& p : prefectures) {
      auto it = row.find(p);
      int n = it == row.end() ? 0 : it->second;
      total += n;
      if (n) {
        std::printf(" %7d", n);
      } else {
        std::printf(" %7s", ".");
      }
    }
    std::printf(" %7d ", total);
    for (const auto& [sev, n] : by_severity[rule])
      std::printf(" %s:%d", sev.c_str(), n);
    std::printf("\n");
  }
  // The columns' names (GB/T 2260, api/console/division_names.h); an
  // unknown code stands for itself.
  std::printf("prefectures:");
  for (const auto& p : prefectures) {
    std::printf(" %s", console::DivisionLabel(p).c_str());
  }
  std::printf("\n");
}

}  // namespace

int Replay(const Args& args) {
  const std::string out_file = args.Required("out");
  LedgerOptions lo;
  lo.read_only = true;  // may run beside a live server
  auto ledger = Take(Ledger::Open(args.Required("data"), lo));
  replay::ReplayOptions options;
  options.as_of = args.Get("as-of", "");
  if (args.Has("until-seq")) {
    const std::string v = args.Get("until-seq", "");
    char* end = nullptr;
    unsigned long long n = std::strtoull(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || v[0] == '-')
      throw UsageError("--until-seq takes a seq number");
    options.until_seq = n;
  }
  // --scratch DIR also commits the rebuilt projections to a new store
  // there, as the live worker does; by default the fresh place is memory.
  // The store goes into DIR/projections of a claimed DIR
  // (api/cli/scratch_dir.h): never wipe a directory that is not ours.
  if (args.Has("scratch")) {
    const std::string scratch = args.Get("scratch", "");
    if (scratch.empty()) throw UsageError("--scratch takes a directory");
    ClaimScratchDir(scratch, "scratch", "replay");
    options.scratch_dir = scratch + "/projections";
  }
  replay::ReplaySummary summary;
  auto result = replay::ReplayLedger(*ledger, options, &summary);
  Json out = Take(std::move(result));
  {
    std::ofstream f(out_file, std::ios::binary | std::ios::trunc);
    f << Canonicalize(out) << "\n";
    if (!f) throw std::runtime_error("cannot write " + out_file);
  }
  if (!args.Has("quiet")) PrintSummary(summary, out);
  return 0;
}

}  // namespace fl::cli
