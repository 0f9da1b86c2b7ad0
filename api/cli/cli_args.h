// Command-line parsing for `fundledger <command> [--flag value] [args]`.
// The edge: problems are thrown as UsageError and printed as one line.
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace fl::cli {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  // `valued` flags take a value, `switches` do not; anything else that
  // starts with "--" is refused.
  Args(const std::vector<std::string>& argv,
       const std::set<std::string>& valued,
       const std::set<std::string>& switches);

  bool Has(const std::string& flag) const;
  std::string Get(const std::string& flag, const std::string& fallback) const;
  std::string Required(const std::string& flag) const;
  const std::vector<std::string>& positional() const { return positional_; }
  bool help() const { return help_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> switches_;
  std::vector<std::string> positional_;
  bool help_ = false;
};

}  // namespace fl::cli
