#include "replay/flag_history.h"

#include <algorithm>
#include <iterator>
#include <unordered_set>

namespace fl::replay {

void FlagHistory::Record(Day day, std::uint64_t seq, std::vector<Flag> flags) {
  std::lock_guard g(mu_);
  DayFlags out;
  out.seq = seq;
  out.flags.reserve(flags.size());
  // Both lists are in FlagLess order: one merge walk finds the flags the
  // earlier day already holds.
  const DayFlags* before = nullptr;
  if (auto it = days_.lower_bound(day); it != days_.begin())
    before = &std::prev(it)->second;
  std::size_t j = 0;
  for (Flag& f : flags) {
    if (before) {
      const auto& old = before->flags;
      while (j < old.size() && FlagLess(*old[j], f)) ++j;
      if (j < old.size() && *old[j] == f) {
        out.flags.push_back(old[j]);
        continue;
      }
    }
    out.flags.push_back(std::make_shared<const Flag>(std::move(f)));
  }
  days_[day] = std::move(out);
  Changed(day);
}

void FlagHistory::DropFrom(Day day) {
  std::lock_guard g(mu_);
  days_.erase(days_.lower_bound(day), days_.end());
  Changed(day);
  dropped_ = true;
}

void FlagHistory::Replace(FlagHistory&& other) {
  std::scoped_lock g(mu_, other.mu_);
  days_ = std::move(other.days_);
  other.days_.clear();
  changed_from_.reset();
  dropped_ = false;
}

FlagHistory::Changes FlagHistory::TakeChanges() {
  std::lock_guard g(mu_);
  Changes out;
  if (!changed_from_) return out;
  if (dropped_) out.erase_from = *changed_from_;
  auto it = days_.lower_bound(*changed_from_);
  const DayFlags* before =
      it == days_.begin() ? nullptr : &std::prev(it)->second;
  for (; it != days_.end(); ++it) {
    const DayFlags& day = it->second;
    StoredFlagDay stored;
    stored.seq = day.seq;
    // A flag kept from the day before is the same copy (Record shares
    // it), so the change is found by identity, not by comparing flags.
    std::unordered_set<const Flag*> now;
    for (const auto& f : day.flags) now.insert(f.get());
    std::unordered_set<const Flag*> kept;
    if (before) {
      for (std::size_t i = 0; i < before->flags.size(); ++i) {
        if (now.contains(before->flags[i].get())) {
          kept.insert(before->flags[i].get());
        } else {
          stored.dropped.push_back(i);
        }
      }
    }
    for (const auto& f : day.flags)
      if (!kept.contains(f.get())) stored.added.push_back(*f);
    out.days.emplace_back(it->first, std::move(stored));
    before = &day;
  }
  changed_from_.reset();
  dropped_ = false;
  return out;
}

bool FlagHistory::Restore(Day day, const StoredFlagDay& stored) {
  std::lock_guard g(mu_);
  if (!days_.empty() && days_.rbegin()->first >= day) return false;
  const DayFlags* before = days_.empty() ? nullptr : &days_.rbegin()->second;
  const std::size_t had = before ? before->flags.size() : 0;
  DayFlags out;
  out.seq = stored.seq;
  out.flags.reserve(had + stored.added.size());
  std::size_t d = 0, a = 0;
  for (std::size_t i = 0; i <= had; ++i) {
    if (i < had && d < stored.dropped.size() && stored.dropped[d] == i) {
      ++d;
      continue;
    }
    // The added flags that sort before this kept one (all that are left,
    // after the last).
    while (a < stored.added.size() &&
           (i == had || FlagLess(stored.added[a], *before->flags[i]))) {
      out.flags.push_back(std::make_shared<const Flag>(stored.added[a++]));
    }
    if (i < had) out.flags.push_back(before->flags[i]);
  }
  if (d != stored.dropped.size()) return false;  // an index past the list
  // Strictly in order: no flag twice, and the list a judgement would give.
  for (std::size_t i = 1; i < out.flags.size(); ++i)
    if (!FlagLess(*out.flags[i - 1], *out.flags[i])) return false;
  days_.emplace(day, std::move(out));
  return true;
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

FlagHistory::OneFlag FlagHistory::FlagAt(Day day,
                                         std::string_view flag_id) const {
  std::lock_guard g(mu_);
  OneFlag out;
  auto it = days_.find(day);
  if (it == days_.end()) return out;
  out.day_held = true;
  out.seq = it->second.seq;
  const auto& flags = it->second.flags;
  auto f =
      std::lower_bound(flags.begin(), flags.end(), flag_id,
                       [](const std::shared_ptr<const Flag>& x,
                          std::string_view id) { return x->flag_id < id; });
  if (f != flags.end() && (*f)->flag_id == flag_id) out.flag = **f;
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
