// The command table: every command listed by `fundledger --help` has its
// own --help, each flag its help shows is accepted by the parser, and a
// flag it does not show is refused (help and parsing share one row).
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "binary_process.h"

namespace {

using fl::test::RunBinary;

std::vector<std::string> ListedCommands() {
  auto all = RunBinary("--help");
  REQUIRE(all.status == 0);
  std::vector<std::string> names;
  std::istringstream in(all.out);
  std::string line;
  bool in_list = false;
  while (std::getline(in, line)) {
    if (line == "commands:") {
      in_list = true;
    } else if (in_list && line.rfind("  ", 0) == 0) {
      names.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
  }
  return names;
}

// Flag name -> whether it takes a value, from the usage line of --help.
std::map<std::string, bool> HelpFlags(const std::string& help) {
  std::map<std::string, bool> flags;
  std::regex flag("--([a-z-]+)( [A-Za-z0-9|.:]+)?");
  auto usage = help.substr(0, help.find('\n'));
  for (std::sregex_iterator it(usage.begin(), usage.end(), flag), end;
       it != end; ++it) {
    flags[(*it)[1]] = (*it)[2].matched;
  }
  return flags;
}

}  // namespace

TEST_CASE("every listed command has help naming the flags it parses", "[cli]") {
  auto names = ListedCommands();
  // API.md's table, plus the read-only views and the benchmarks.
  for (const char* expected :
       {"init", "keygen", "sign", "serve", "token", "append", "import",
        "verify", "export", "verify-bundle", "replay", "checkpoint", "entry",
        "proof", "bench", "bench-projections", "bench-http"}) {
    CHECK(std::find(names.begin(), names.end(), expected) != names.end());
  }
  for (const auto& name : names) {
    INFO(name);
    auto help = RunBinary(name + " --help");
    REQUIRE(help.status == 0);
    CHECK(help.out.rfind("usage: fundledger " + name, 0) == 0);
    // A flag the row does not list is refused before the command runs.
    auto bad = RunBinary(name + " --no-such-flag x");
    CHECK(bad.status == 2);
    CHECK(bad.err.find("unknown option --no-such-flag") != std::string::npos);
    // Every flag the help shows gets past the parser: the parser reads
    // left to right, so the error names the unknown flag after it, and
    // nothing runs.
    auto flags = HelpFlags(help.out);
    for (const auto& [flag, valued] : flags) {
      INFO(flag);
      auto r = RunBinary(name + " --" + flag + (valued ? "=1" : "") +
                         " --no-such-flag");
      CHECK(r.status == 2);
      CHECK(r.err.find("unknown option --no-such-flag") != std::string::npos);
    }
  }
}

TEST_CASE("bench documents what it parses", "[cli]") {
  auto help = RunBinary("bench --help");
  REQUIRE(help.status == 0);
  CHECK(help.out.find("--appends N") != std::string::npos);
  CHECK(help.out.find("--entries") == std::string::npos);
  auto old = RunBinary("bench --entries 5");
  CHECK(old.status == 2);
  CHECK(old.err.find("unknown option --entries") != std::string::npos);
  auto projections = RunBinary("bench-projections --help");
  CHECK(projections.out.find("--scratch DIR") != std::string::npos);
}
