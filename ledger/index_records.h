// Rows of the index family: what append-time checks need to know about
// agencies, keys, lots, contracts, payments and stations. Encoded as '|'
// separated fields (ids, codes and base64 never contain '|'), cheap to
// read on every append. Internal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fl {

inline constexpr std::uint64_t kNotRevoked = UINT64_MAX;

struct AgencyRecord {
  std::string kind, division, uscc;
};
struct KeyRecord {
  std::string agency, public_key_b64;
  std::uint64_t revoked_seq = kNotRevoked;
};
// Lots, contracts, payments and stations: their division, plus the
// supplier for contracts (provider authorization).
struct SubjectRecord {
  std::string division, extra;
};

std::string AgencyKey(std::string_view id);
std::string KeyKey(std::string_view key_id);
std::string LotKey(std::string_view allocation_id);
std::string ContractKey(std::string_view contract_id);
std::string PaymentKey(std::string_view payment_id);
std::string StationKey(std::string_view station_id);
// Agency and key rows: few, read by every append, and a key row changes
// when the key is revoked.
bool IsIdentityRow(std::string_view key);
// Lot, contract and station rows: written once, when the subject is
// created, and never changed or deleted (the validator refuses a second
// creation), so a row read once is that row for good. A kind whose row may
// change must not be listed here: the leader caches these (overlay.h).
bool IsWriteOnceSubjectRow(std::string_view key);
// The division an entry belongs to, recorded at append time for read scope.
std::string EntryDivisionKey(std::uint64_t seq);

std::string Encode(const AgencyRecord& r);
std::string Encode(const KeyRecord& r);
std::string Encode(const SubjectRecord& r);
std::optional<AgencyRecord> DecodeAgency(std::string_view s);
std::optional<KeyRecord> DecodeKey(std::string_view s);
std::optional<SubjectRecord> DecodeSubject(std::string_view s);

}  // namespace fl
