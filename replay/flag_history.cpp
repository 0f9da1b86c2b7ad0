#include "replay/flag_history.h"

#include <iterator>
#include <unordered_set>

namespace fl::replay {

void FlagHistory::Record(Day day, std::uint64_t seq, std::vector<Flag> flags) {
  std::lock_guard g(mu_);
  DayFlags out;
  out.seq = seq;
  out.flags.reserve(flags.size());
  // Both lists are sorted by (flag_id, subject): one merge walk finds the
  // flags the earlier day already holds.
  const DayFlags* before = nullptr;
  if (auto it = days_.lower_bound(day); it != days_.begin())
    before = &std::prev(it)->second;
  std::size_t j = 0;
  auto less = [](const Flag& a, const Flag& b) {
    return a.flag_id < b.flag_id ||
           (a.flag_id == b.flag_id && a.finding.subject < b.finding.subject);
  };
  for (Flag& f : flags) {
    if (before) {
      const auto& old = before->flags;
      while (j < old.size() && less(*old[j], f)) ++j;
      if (j < old.size() && *old[j] == f) {
        out.flags.push_back(old[j]);
        continue;
      }
    }
    out.flags.push_back(std::make_shared<const Flag>(std::move(f)));
  }
  days_[day] = std::move(out);
}

void FlagHistory::DropFrom(Day day) {
  std::lock_guard g(mu_);
  days_.erase(days_.lower_bound(day), days_.end());
}

void FlagHistory::DropAfterSeq(std::uint64_t seq) {
  std::lock_guard g(mu_);
  std::erase_if(days_, [&](const auto& d) { return d.second.seq > seq; });
}

void FlagHistory::Join(FlagHistory&& other) {
  std::scoped_lock g(mu_, other.mu_);
  days_.merge(other.days_);  // keeps ours where both hold a day
}

std::shared_ptr<const std::vector<Flag>> FlagHistory::At(Day day) const {
  std::lock_guard g(mu_);
  auto it = days_.find(day);
  if (it == days_.end()) return nullptr;
  auto out = std::make_shared<std::vector<Flag>>();
  out->reserve(it->second.flags.size());
  for (const auto& f : it->second.flags) out->push_back(*f);
  return out;
}

FlagHistory::Stats FlagHistory::stats() const {
  std::lock_guard g(mu_);
  std::unordered_set<const Flag*> distinct;
  for (const auto& [day, d] : days_)
    for (const auto& f : d.flags) distinct.insert(f.get());
  return {days_.size(), distinct.size()};
}

}  // namespace fl::replay
