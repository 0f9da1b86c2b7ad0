#include "api/cli/cli_args.h"

namespace fl::cli {

Args::Args(const std::vector<std::string>& argv,
           const std::set<std::string>& valued,
           const std::set<std::string>& switches) {
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--help" || a == "-h") {
      help_ = true;
    } else if (a.rfind("--", 0) == 0) {
      std::string name = a.substr(2);
      std::string value;
      bool inline_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        inline_value = true;
      }
      if (valued.contains(name)) {
        if (!inline_value) {
          if (i + 1 >= argv.size())
            throw UsageError("--" + name + " needs a value");
          value = argv[++i];
        }
        values_[name] = value;
      } else if (switches.contains(name) && !inline_value) {
        switches_.insert(name);
      } else {
        throw UsageError("unknown option --" + name);
      }
    } else {
      positional_.push_back(a);
    }
  }
}

bool Args::Has(const std::string& flag) const {
  return switches_.contains(flag) || values_.contains(flag);
}

std::string Args::Get(const std::string& flag,
                      const std::string& fallback) const {
  auto it = values_.find(flag);
  return it == values_.end() ? fallback : it->second;
}

std::string Args::Required(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) throw UsageError("--" + flag + " is required");
  return it->second;
}

}  // namespace fl::cli
