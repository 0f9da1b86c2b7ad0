#include "ledger/index_records.h"

#include <charconv>
#include <vector>

namespace fl {
namespace {

std::vector<std::string_view> Split(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t bar = s.find('|', start);
    parts.push_back(s.substr(start, bar - start));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return parts;
}

std::string Join(std::initializer_list<std::string_view> parts) {
  std::string out;
  bool first = true;
  for (auto p : parts) {
    if (!first) out += '|';
    out += p;
    first = false;
  }
  return out;
}

}  // namespace

namespace {
// Each kind's key prefix, written once: the key makers below and the row
// kinds the leader may cache (IsIdentityRow, IsWriteOnceSubjectRow) read
// them from here.
constexpr std::string_view kAgencyPrefix = "a/";
constexpr std::string_view kKeyPrefix = "k/";
constexpr std::string_view kLotPrefix = "l/";
constexpr std::string_view kContractPrefix = "c/";
constexpr std::string_view kPaymentPrefix = "p/";
constexpr std::string_view kStationPrefix = "s/";

std::string Prefixed(std::string_view prefix, std::string_view id) {
  std::string key(prefix);
  key += id;
  return key;
}
}  // namespace

std::string AgencyKey(std::string_view id) {
  return Prefixed(kAgencyPrefix, id);
}
std::string KeyKey(std::string_view id) { return Prefixed(kKeyPrefix, id); }
std::string LotKey(std::string_view id) { return Prefixed(kLotPrefix, id); }
std::string ContractKey(std::string_view id) {
  return Prefixed(kContractPrefix, id);
}
std::string PaymentKey(std::string_view id) {
  return Prefixed(kPaymentPrefix, id);
}
std::string StationKey(std::string_view id) {
  return Prefixed(kStationPrefix, id);
}

bool IsIdentityRow(std::string_view key) {
  return key.starts_with(kAgencyPrefix) || key.starts_with(kKeyPrefix);
}

bool IsWriteOnceSubjectRow(std::string_view key) {
  return key.starts_with(kLotPrefix) || key.starts_with(kContractPrefix) ||
         key.starts_with(kStationPrefix);
}

std::string EntryDivisionKey(std::uint64_t seq) {
  std::string key = "d/";
  for (int i = 7; i >= 0; --i)
    key += static_cast<char>((seq >> (8 * i)) & 0xff);
  return key;
}

std::string Encode(const AgencyRecord& r) {
  return Join({r.kind, r.division, r.uscc});
}
std::string Encode(const KeyRecord& r) {
  std::string revoked =
      r.revoked_seq == kNotRevoked ? "" : std::to_string(r.revoked_seq);
  return Join({r.agency, r.public_key_b64, revoked});
}
std::string Encode(const SubjectRecord& r) {
  return Join({r.division, r.extra});
}

std::optional<AgencyRecord> DecodeAgency(std::string_view s) {
  auto p = Split(s);
  if (p.size() != 3) return std::nullopt;
  return AgencyRecord{std::string(p[0]), std::string(p[1]), std::string(p[2])};
}

std::optional<KeyRecord> DecodeKey(std::string_view s) {
  auto p = Split(s);
  if (p.size() != 3) return std::nullopt;
  KeyRecord r{std::string(p[0]), std::string(p[1]), kNotRevoked};
  if (!p[2].empty()) {
    auto [ptr, ec] =
        std::from_chars(p[2].data(), p[2].data() + p[2].size(), r.revoked_seq);
    if (ec != std::errc()) return std::nullopt;
  }
  return r;
}

std::optional<SubjectRecord> DecodeSubject(std::string_view s) {
  auto p = Split(s);
  if (p.size() != 2) return std::nullopt;
  return SubjectRecord{std::string(p[0]), std::string(p[1])};
}

}  // namespace fl
