#include "api/cli/command.h"

#include <set>

namespace fl::cli {

std::string UsageLine(const Command& c) {
  std::string out = c.name;
  if (*c.words) out += std::string(" ") + c.words;
  for (const Flag& f : c.flags) {
    std::string part = std::string("--") + f.name;
    if (f.value) part += std::string(" ") + f.value;
    out += f.required ? " " + part : " [" + part + "]";
  }
  if (*c.operands) out += std::string(" ") + c.operands;
  return out;
}

std::string CommandHelp(const Command& c) {
  std::string out =
      "usage: fundledger " + UsageLine(c) + "\n\n" + c.summary + "\n";
  if (!c.flags.empty()) out += "\noptions:\n";
  for (const Flag& f : c.flags) {
    std::string left = std::string("  --") + f.name;
    if (f.value) left += std::string(" ") + f.value;
    if (left.size() < 24) left.resize(24, ' ');
    out += left + "  " + f.help + "\n";
  }
  return out;
}

Args ParseFor(const Command& c, const std::vector<std::string>& argv) {
  std::set<std::string> valued, switches;
  for (const Flag& f : c.flags) (f.value ? valued : switches).insert(f.name);
  return Args(argv, valued, switches);
}

}  // namespace fl::cli
