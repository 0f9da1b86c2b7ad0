#include "replay/table.h"

#include <cstring>

#include "crypto/check.h"
#include "ledger/limits.h"

namespace fl::replay {

// A member is an id or a key built from an event's fields, so it is
// shorter than an entry; a record never needs more than one block.
static_assert(limits::kMaxEntryBytes + 8 <= BlockArena::kBlockBytes);

namespace {
std::uint64_t HashOf(std::string_view key) {
  return std::hash<std::string_view>{}(key);
}
}  // namespace

std::size_t MultiIndex::Probe(std::string_view key, std::uint64_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  // Linear probing ends at an empty slot: the table is never full.
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.key == kNone || (s.hash == hash && MemberAt(s.key) == key)) return i;
  }
}

void MultiIndex::Grow() {
  auto old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
  const std::size_t mask = slots_.size() - 1;
  // Stored hashes: moving a slot reads neither its key nor its members.
  for (const Slot& s : old) {
    if (s.key == kNone) continue;
    std::size_t i = s.hash & mask;
    while (slots_[i].key != kNone) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

MultiIndex::Slot& MultiIndex::SlotFor(std::string_view key) {
  // Room for one more key first, so one probe finds the key or the empty
  // slot it goes in (at worst the table grows one key early).
  if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
  const std::uint64_t hash = HashOf(key);
  Slot& s = slots_[Probe(key, hash)];
  if (s.key == kNone) {
    s.hash = hash;
    s.key = Store(key);
    s.row = Row{};
    ++size_;
  }
  return s;
}

// Record layout: u32 next unit (kNone at the tail), u32 length, bytes;
// padded to a whole unit.
std::uint32_t MultiIndex::Store(std::string_view bytes_in) {
  const std::size_t bytes = (8 + bytes_in.size() + kUnit - 1) / kUnit * kUnit;
  const std::size_t position = arena_.Take(bytes, kUnit);
  FL_CHECK(position / kUnit < kNone);  // 32 GiB of records in one index
  char* at = arena_.At(position);
  const std::uint32_t next = kNone;
  const auto length = static_cast<std::uint32_t>(bytes_in.size());
  std::memcpy(at, &next, 4);
  std::memcpy(at + 4, &length, 4);
  std::memcpy(at + 8, bytes_in.data(), bytes_in.size());
  return static_cast<std::uint32_t>(position / kUnit);
}

std::uint32_t MultiIndex::Append(Row& row, std::string_view member) {
  const std::uint32_t unit = Store(member);
  if (row.tail == kNone) {
    row.head = unit;
  } else {
    std::memcpy(const_cast<char*>(At(row.tail)), &unit, 4);
  }
  row.tail = unit;
  ++row.count;
  return unit;
}

std::uint32_t MultiIndex::NextOf(std::uint32_t unit) const {
  std::uint32_t next;
  std::memcpy(&next, At(unit), 4);
  return next;
}

std::string_view MultiIndex::MemberAt(std::uint32_t unit) const {
  const char* at = At(unit);
  std::uint32_t length;
  std::memcpy(&length, at + 4, 4);
  return std::string_view(at + 8, length);
}

void MultiIndex::Add(std::string_view key, std::string_view member) {
  Slot& slot = SlotFor(key);
  const std::uint32_t index = slot.row.count;
  const std::uint32_t unit = Append(slot.row, member);
  if (recording_) added_.push_back(Added{slot.key, index, unit});
}

MultiIndex::Members MultiIndex::Get(std::string_view key) const {
  if (slots_.empty()) return Members(this, kNone, 0);
  const Slot& s = slots_[Probe(key, HashOf(key))];
  if (s.key == kNone) return Members(this, kNone, 0);
  return Members(this, s.row.head, s.row.count);
}

void MultiIndex::Prefetch(std::string_view key) const {
  if (slots_.empty()) return;
  __builtin_prefetch(&slots_[HashOf(key) & (slots_.size() - 1)]);
}

void MultiIndex::Flush(std::string_view prefix, const RowSink& sink) {
  std::string key, value;
  for (const Added& a : added_) {
    key.assign(prefix).append(MemberAt(a.key)).push_back('\x1f');
    for (int b = 3; b >= 0; --b)
      key.push_back(static_cast<char>((a.index >> (8 * b)) & 0xff));
    value.assign(MemberAt(a.unit));
    sink(key, &value);
  }
  added_.clear();
}

void MultiIndex::LoadRow(std::string_view key_and_index,
                         std::string_view member) {
  const std::string_view key =
      key_and_index.substr(0, key_and_index.size() - 5);
  // Rows arrive in key order, so a key's members come one after another:
  // hash and probe once per key, not once per member (at 1M entries ~4M
  // members, ~7% of a restart). The remembered slot is checked by its key,
  // so a table that grew in between is caught.
  if (loading_slot_ >= slots_.size() || slots_[loading_slot_].key == kNone ||
      MemberAt(slots_[loading_slot_].key) != key) {
    loading_slot_ = static_cast<std::size_t>(&SlotFor(key) - slots_.data());
  }
  Append(slots_[loading_slot_].row, member);
}

}  // namespace fl::replay
