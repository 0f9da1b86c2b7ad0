// A real ledger with the agencies a province needs, event builders for
// the rule tests, and the flags the real projection worker derives.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "replay/projections.h"
#include "test_world.h"

namespace fl::test {

class RuleWorld {
 public:
  RuleWorld();
  ~RuleWorld();

  World& world() { return world_; }
  // Appends `type` with `data` dated `date` (occurred_at) by the agency
  // EVENTS.md allows for the type; returns its seq.
  std::uint64_t Add(const std::string& type, const Json& data,
                    const std::string& date);

  // Builders with compliant defaults; `date` is the business date.
  std::uint64_t Budget(const std::string& lot, const std::string& fund,
                       const std::string& program, const std::string& division,
                       std::int64_t amount, const std::string& date,
                       int year = 2024);
  std::uint64_t Issue(const std::string& lot, const std::string& parent,
                      const std::string& from, const std::string& to,
                      const std::string& fund, const std::string& program,
                      std::int64_t amount, bool pass_through,
                      const std::string& date, Json extra = Json::object());
  std::uint64_t Receive(const std::string& lot, std::int64_t amount,
                        const std::string& date);
  std::uint64_t Station(const std::string& id, const std::string& division,
                        const std::string& date);
  // A contract funded by `lot` for its whole value, one item.
  std::uint64_t Contract(const std::string& id, const std::string& division,
                         const std::string& program, const std::string& lot,
                         std::int64_t value, const std::string& start,
                         const std::string& end, Json extra = Json::object());
  // A payment from `lot`; extra fields overwrite the defaults.
  std::uint64_t Pay(const std::string& id, const std::string& lot,
                    std::int64_t amount, const std::string& paid_on,
                    Json extra = Json::object());

  // All flags (every page) at as_of ("" = default), from the worker.
  std::vector<Json> Flags(const std::string& as_of = "");
  // The flag of (rule, subject), or null.
  Json FlagOf(const std::string& rule, const std::string& subject,
              const std::string& as_of = "");
  // Flags of one rule.
  std::vector<Json> FlagsOf(const std::string& rule,
                            const std::string& as_of = "");
  replay::Projections& projections();
  // Closes the projections: the next read opens them again from their
  // store, as a restarted server does.
  void Restart() { projections_.reset(); }

  static const std::string kProvider;  // a provider's USCC
  static const std::string kProvider2;

 private:
  World world_;
  int next_id_ = 0;
  std::unique_ptr<replay::Projections> projections_;
};

}  // namespace fl::test
