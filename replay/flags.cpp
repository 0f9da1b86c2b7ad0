#include "replay/flags.h"

#include <algorithm>

#include "crypto/encoding.h"
#include "crypto/sha256.h"
#include "replay/rules/rule.h"

namespace fl::replay {

const char* SeverityName(int s) {
  static const char* kNames[] = {"info", "low", "medium", "high", "critical"};
  return s >= 0 && s <= kCritical ? kNames[s] : "info";
}

int SeverityFromName(std::string_view name) {
  for (int s = kInfo; s <= kCritical; ++s)
    if (name == SeverityName(s)) return s;
  return -1;
}

Day DefaultAsOf(const State& s) {
  return s.newest_day != kNoDay ? s.newest_day : s.genesis_day;
}

std::vector<Flag> EvaluateFlags(const State& s, Day as_of) {
  Findings all;
  for (const auto& [key, f] : s.acts.rows()) all.Add(f);
  for (const Rule& r : AllRules())
    if (r.at_as_of) r.at_as_of(s, as_of, all);
  std::vector<Flag> out;
  out.reserve(all.all().size());
  for (auto& [key, f] : all.all()) {
    Flag flag;
    flag.finding = std::move(f);
    Finding& fd = flag.finding;
    // exception.approved for (rule, ref): kept, but as info with the
    // approval in the evidence.
    if (const Declared* ex = s.exceptions.Find(key)) {
      fd.severity = kInfo;
      fd.evidence.push_back(ex->seq);
      std::sort(fd.evidence.begin(), fd.evidence.end());
      fd.evidence.erase(std::unique(fd.evidence.begin(), fd.evidence.end()),
                        fd.evidence.end());
    }
    flag.flag_id = FlagId(fd.rule, fd.subject);
    const Review* r = s.reviews.Find(flag.flag_id);
    flag.status = r ? r->status : "open";
    out.push_back(std::move(flag));
  }
  std::sort(out.begin(), out.end(), FlagLess);
  return out;
}

Json FlagJson(const Flag& f, Day as_of) {
  const Finding& fd = f.finding;
  return Json{{"flag_id", f.flag_id},
              {"rule", fd.rule},
              {"severity", SeverityName(fd.severity)},
              {"division_code", fd.division},
              {"amount_fen", fd.amount},
              {"evidence", fd.evidence},
              {"subject", fd.subject},
              {"as_of", FormatDay(as_of)},
              {"provisional", fd.provisional},
              {"status", f.status}};
}

}  // namespace fl::replay
