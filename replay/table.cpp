#include "replay/table.h"

#include <cstring>

#include "crypto/check.h"
#include "ledger/limits.h"

namespace fl::replay {

// A member is an id or a key built from an event's fields, so it is
// shorter than an entry; a record never needs more than one block.
static_assert(limits::kMaxEntryBytes + 8 <= std::size_t{1} << 20);

StringMap<MultiIndex::Row>::iterator MultiIndex::RowFor(std::string_view key) {
  auto it = rows_.find(key);
  if (it == rows_.end()) it = rows_.try_emplace(std::string(key)).first;
  return it;
}

// Record layout: u32 next unit (kNone at the tail), u32 length, bytes;
// padded to a whole unit.
std::uint32_t MultiIndex::Append(Row& row, std::string_view member) {
  const std::size_t bytes = (8 + member.size() + kUnit - 1) / kUnit * kUnit;
  FL_CHECK(bytes <= kBlockBytes);
  if (used_ + bytes > kBlockBytes) {
    blocks_.emplace_back(kBlockBytes);
    used_ = 0;
  }
  const std::size_t unit_index =
      (blocks_.size() - 1) * (kBlockBytes / kUnit) + used_ / kUnit;
  FL_CHECK(unit_index < kNone);  // 32 GiB of members in one index
  const auto unit = static_cast<std::uint32_t>(unit_index);
  char* at = blocks_.back().data() + used_;
  const std::uint32_t next = kNone;
  const auto length = static_cast<std::uint32_t>(member.size());
  std::memcpy(at, &next, 4);
  std::memcpy(at + 4, &length, 4);
  std::memcpy(at + 8, member.data(), member.size());
  used_ += bytes;
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
  auto it = RowFor(key);
  const std::uint32_t index = it->second.count;
  const std::uint32_t unit = Append(it->second, member);
  added_.push_back(Added{&it->first, index, unit});
}

MultiIndex::Members MultiIndex::Get(std::string_view key) const {
  auto it = rows_.find(key);
  if (it == rows_.end()) return Members(this, kNone, 0);
  return Members(this, it->second.head, it->second.count);
}

void MultiIndex::Flush(std::string_view prefix, const RowSink& sink) {
  std::string key, value;
  for (const Added& a : added_) {
    key.assign(prefix).append(*a.key).push_back('\x1f');
    for (int b = 3; b >= 0; --b)
      key.push_back(static_cast<char>((a.index >> (8 * b)) & 0xff));
    value.assign(MemberAt(a.unit));
    sink(key, &value);
  }
  added_.clear();
}

void MultiIndex::LoadRow(std::string_view key_and_index,
                         std::string_view member) {
  Append(RowFor(key_and_index.substr(0, key_and_index.size() - 5))->second,
         member);
}

}  // namespace fl::replay
