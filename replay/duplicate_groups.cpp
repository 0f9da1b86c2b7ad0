#include "replay/duplicate_groups.h"

#include <functional>

#include "crypto/check.h"

namespace fl::replay {

std::uint64_t DuplicateGroups::Key::HashOf(std::string_view s) {
  return std::hash<std::string_view>{}(s);
}

std::size_t DuplicateGroups::Key::Hash() const {
  // Addresses differ in their middle bits and amounts in their low ones:
  // each word is spread by its own odd multiplier, then the high bits are
  // folded down (the index takes its bucket from the low bits).
  std::uint64_t h = a_ * 0x9E3779B97F4A7C15ull;
  h ^= b_ * 0xC2B2AE3D27D4EB4Full;
  h ^= ((std::uint64_t{static_cast<std::uint32_t>(bucket_)} << 32) | kind_) *
       0x165667B19E3779F9ull;
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  h ^= h >> 32;
  return static_cast<std::size_t>(h);
}

DuplicateGroups::Members::iterator&
DuplicateGroups::Members::iterator::operator++() {
  if (next_ == kNone) {
    at_ = nullptr;
  } else {
    const Node& n = groups_->nodes_[next_];
    at_ = n.payment;
    next_ = n.next;
  }
  return *this;
}

std::size_t DuplicateGroups::Probe(const Key& key, std::uint64_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  const auto tag = static_cast<std::uint32_t>(hash >> 32);
  // Linear probing ends at an empty slot: the table is never full.
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.entry == kNone || (s.tag == tag && EntryAt(s.entry).key == key))
      return i;
  }
}

void DuplicateGroups::Grow() {
  slots_.assign(slots_.empty() ? 1024 : slots_.size() * 2, Slot{});
  const std::size_t mask = slots_.size() - 1;
  // Entries are read in order, so re-hashing them costs no random reads.
  for (std::uint32_t e = 0; e < size_; ++e) {
    const std::uint64_t hash = EntryAt(e).key.Hash();
    std::size_t i = hash & mask;
    while (slots_[i].entry != kNone) i = (i + 1) & mask;
    slots_[i] = Slot{e, static_cast<std::uint32_t>(hash >> 32)};
  }
}

void DuplicateGroups::Add(const Key& key, const Payment* payment) {
  FL_CHECK(payment != nullptr);
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  const std::uint64_t hash = key.Hash();
  Slot& slot = slots_[Probe(key, hash)];
  if (slot.entry == kNone) {
    FL_CHECK(size_ < kNone);
    const auto e = static_cast<std::uint32_t>(size_);
    if ((e >> kChunkShift) == chunks_.size()) {
      chunks_.push_back(std::make_unique_for_overwrite<Entry[]>(
          std::size_t{1} << kChunkShift));
    }
    EntryAt(e) = Entry{key, Group{payment, kNone, kNone}};
    slot = Slot{e, static_cast<std::uint32_t>(hash >> 32)};
    ++size_;
    return;
  }
  Group& g = EntryAt(slot.entry).group;
  FL_CHECK(nodes_.size() < kNone);
  const auto at = static_cast<std::uint32_t>(nodes_.size());
  nodes_.push_back(Node{payment, kNone});
  if (g.more_tail == kNone) {
    g.more_head = at;
  } else {
    nodes_[g.more_tail].next = at;
  }
  g.more_tail = at;
}

DuplicateGroups::Members DuplicateGroups::Get(const Key& key) const {
  if (slots_.empty()) return Members(this, nullptr, kNone);
  const Slot& slot = slots_[Probe(key, key.Hash())];
  if (slot.entry == kNone) return Members(this, nullptr, kNone);
  const Group& g = EntryAt(slot.entry).group;
  return Members(this, g.first, g.more_head);
}

void DuplicateGroups::Prefetch(const Key& key) const {
  if (slots_.empty()) return;
  __builtin_prefetch(&slots_[key.Hash() & (slots_.size() - 1)]);
}

}  // namespace fl::replay
