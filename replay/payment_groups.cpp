#include "replay/payment_groups.h"

#include <functional>

#include "crypto/check.h"

namespace fl::replay {

std::uint64_t PaymentGroups::Key::HashOf(std::string_view s) {
  return std::hash<std::string_view>{}(s);
}

std::size_t PaymentGroups::Key::Hash() const {
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

PaymentGroups::Members::iterator&
PaymentGroups::Members::iterator::operator++() {
  if (next_ == kNone) {
    at_ = nullptr;
  } else {
    const Node& n = groups_->nodes_[next_];
    at_ = n.payment;
    next_ = n.next;
  }
  return *this;
}

std::size_t PaymentGroups::Probe(const Key& key, std::uint64_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  const auto tag = static_cast<std::uint32_t>(hash >> 32);
  // Linear probing ends at an empty slot: the table is never full.
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.entry == kNone || (s.tag == tag && entries_[s.entry].key == key))
      return i;
  }
}

void PaymentGroups::Grow() {
  slots_.assign(slots_.empty() ? 1024 : slots_.size() * 2, Slot{});
  const std::size_t mask = slots_.size() - 1;
  // Entries are read in order, so re-hashing them costs no random reads.
  for (std::uint32_t e = 0; e < entries_.size(); ++e) {
    const std::uint64_t hash = entries_[e].key.Hash();
    std::size_t i = hash & mask;
    while (slots_[i].entry != kNone) i = (i + 1) & mask;
    slots_[i] = Slot{e, static_cast<std::uint32_t>(hash >> 32)};
  }
}

template <class T>
std::uint32_t PaymentGroups::Chunks<T>::Push(const T& v) {
  FL_CHECK(size_ < kNone);
  const auto i = static_cast<std::uint32_t>(size_);
  if ((i >> kChunkShift) == chunks_.size()) {
    chunks_.emplace_back().reserve(std::size_t{1} << kChunkShift);
  }
  // Never past the reserved size, so an element never moves.
  FL_CHECK(chunks_.back().size() < chunks_.back().capacity());
  chunks_.back().push_back(v);
  ++size_;
  return i;
}

void PaymentGroups::Add(const Key& key, const Payment* payment) {
  FL_CHECK(payment != nullptr);
  if ((entries_.size() + 1) * 2 > slots_.size()) Grow();
  const std::uint64_t hash = key.Hash();
  Slot& slot = slots_[Probe(key, hash)];
  if (slot.entry == kNone) {
    const std::uint32_t e =
        entries_.Push(Entry{key, Group{payment, kNone, kNone}});
    slot = Slot{e, static_cast<std::uint32_t>(hash >> 32)};
    return;
  }
  Group& g = entries_[slot.entry].group;
  const std::uint32_t at = nodes_.Push(Node{payment, kNone});
  if (g.more_tail == kNone) {
    g.more_head = at;
  } else {
    nodes_[g.more_tail].next = at;
  }
  g.more_tail = at;
}

PaymentGroups::Members PaymentGroups::Get(const Key& key) const {
  if (slots_.empty()) return Members(this, nullptr, kNone);
  const Slot& slot = slots_[Probe(key, key.Hash())];
  if (slot.entry == kNone) return Members(this, nullptr, kNone);
  const Group& g = entries_[slot.entry].group;
  return Members(this, g.first, g.more_head);
}

void PaymentGroups::Prefetch(const Key& key) const {
  if (slots_.empty()) return;
  __builtin_prefetch(&slots_[key.Hash() & (slots_.size() - 1)]);
}

}  // namespace fl::replay
