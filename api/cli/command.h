// One row per subcommand: its name, operands, flags, summary and the
// function that runs it. `fundledger --help`, `fundledger <cmd> --help`
// and the parser all read the same row, so help text and parsing cannot
// drift apart.
#pragma once

#include <string>
#include <vector>

#include "api/cli/cli_args.h"

namespace fl::cli {

struct Flag {
  const char* name;   // without "--"
  const char* value;  // placeholder ("DIR", "N"); null for a switch
  bool required;
  const char* help;
};

struct Command {
  const char* name;
  const char* words;  // subcommand word(s) before the flags ("create"), or ""
  std::vector<Flag> flags;
  const char* operands;  // positional arguments after the flags, or ""
  const char* summary;
  int (*run)(const Args& args);
};

// Every command, in the order `--help` lists them (api/cli/command_table.cpp).
const std::vector<Command>& Commands();

// "token create --data DIR ... [--tokens FILE]", "import --data DIR
// FILE.jsonl".
std::string UsageLine(const Command& c);
// The usage line, the summary and one line per flag.
std::string CommandHelp(const Command& c);
// Parses argv against the row's flags (UsageError on an unknown flag).
Args ParseFor(const Command& c, const std::vector<std::string>& argv);

}  // namespace fl::cli
