// fundledger: the command line (API.md). Each command is a row of
// command_table.cpp; exceptions end here as one line on stderr and a
// non-zero exit.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "api/cli/cli_args.h"
#include "api/cli/command.h"

namespace {

void PrintHelp() {
  std::puts(
      "usage: fundledger <command> [options]   (fundledger <command> "
      "--help)\n");
  std::puts("commands:");
  for (const auto& c : fl::cli::Commands()) {
    std::printf("  %s\n", fl::cli::UsageLine(c).c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 ||
      std::strcmp(argv[1], "-h") == 0) {
    PrintHelp();
    return argc < 2 ? 2 : 0;
  }
  std::string name = argv[1];
  std::vector<std::string> rest(argv + 2, argv + argc);
  for (const auto& c : fl::cli::Commands()) {
    if (name != c.name) continue;
    try {
      for (const auto& a : rest) {
        if (a == "--help" || a == "-h") {
          std::fputs(fl::cli::CommandHelp(c).c_str(), stdout);
          return 0;
        }
      }
      return c.run(fl::cli::ParseFor(c, rest));
    } catch (const fl::cli::UsageError& e) {
      std::fprintf(stderr, "fundledger %s: %s (see --help)\n", c.name,
                   e.what());
      return 2;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "fundledger %s: %s\n", c.name, e.what());
      return 1;
    }
  }
  std::fprintf(stderr, "fundledger: unknown command '%s' (see --help)\n",
               name.c_str());
  return 2;
}
