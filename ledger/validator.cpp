#include "ledger/validator.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <set>

#include "crypto/check.h"
#include "crypto/encoding.h"
#include "ledger/division.h"
#include "ledger/entry.h"
#include "ledger/event_catalogue.h"
#include "ledger/index_records.h"

namespace fl {
namespace {

// The index key and the word for messages of each subject kind.
std::string SubjectKey(SubjectKind kind, std::string_view id) {
  switch (kind) {
    case SubjectKind::kLot:
      return LotKey(id);
    case SubjectKind::kContract:
      return ContractKey(id);
    case SubjectKind::kPayment:
      return PaymentKey(id);
    case SubjectKind::kStation:
      return StationKey(id);
    case SubjectKind::kNone:
      break;
  }
  FL_CHECK(false, "subject kind none has no key");
  return {};
}

std::string_view SubjectWord(SubjectKind kind) {
  switch (kind) {
    case SubjectKind::kLot:
      return "allocation";
    case SubjectKind::kContract:
      return "contract";
    case SubjectKind::kPayment:
      return "payment";
    case SubjectKind::kStation:
      return "station";
    case SubjectKind::kNone:
      break;
  }
  return "subject";
}

std::string Str(const Json& data, std::string_view key) {
  auto it = data.find(std::string(key));
  if (it == data.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::string Ptr(std::string_view field) {
  return "/event/data/" + std::string(field);
}

// Checks and effects for one event, sharing the lookups through `view`.
class Check {
 public:
  Check(const PreparedEvent& e, std::uint64_t seq, Overlay& view)
      : e_(e), seq_(seq), view_(view), data_(e.envelope["event"]["data"]) {}

  Result<Decision> Run(bool check_signatures, std::string_view origin);

 private:
  Result<std::optional<std::string>> Get(const std::string& key) {
    return view_.Get(Store::kIndex, key);
  }
  // A subject (lot, contract, ...) named by the event: unknown_reference if
  // unknown.
  Result<SubjectRecord> Subject(const std::string& key, std::string_view field,
                                std::string_view what) {
    auto v = Get(key);
    if (!v.ok()) return v.error();
    if (!v->has_value()) {
      return MakeError(Code::kFailedPrecondition, "unknown_reference",
                       std::string(what) + " " + key.substr(2) + " is unknown",
                       std::string(field));
    }
    auto r = DecodeSubject(**v);
    if (!r) return DataLoss("corrupt index row " + key);
    return *r;
  }
  Status MustBeNew(const std::string& key, std::string_view field,
                   std::string_view what) {
    auto v = Get(key);
    if (!v.ok()) return v.error();
    if (v->has_value()) {
      return MakeError(
          Code::kInvalidArgument, "invalid_field",
          std::string(what) + " " + key.substr(2) + " already exists",
          std::string(field));
    }
    return Status::Ok();
  }
  Status Signature(bool check_signatures, std::string_view origin);
  Result<std::string> EventDivision(const EventRow& row);
  Status References();
  Status NewKey(std::string_view field);

  const PreparedEvent& e_;
  std::uint64_t seq_;
  Overlay& view_;
  const Json& data_;
  AgencyRecord agency_;
  std::vector<std::pair<std::string, std::string>> puts_;
};

Status Check::Signature(bool check_signatures, std::string_view origin) {
  PublicKey key{};
  if (seq_ == 0) {
    // Genesis: the admin registers itself, signed by its own new key.
    auto raw = Base64Decode(Str(data_, "public_key"));
    if (e_.type != "agency.registered" || Str(data_, "kind") != "admin" ||
        Str(data_, "agency") != e_.agency || !raw || raw->size() != 32) {
      return MakeError(Code::kInvalidArgument, "invalid_field",
                       "the genesis entry must be the admin's own "
                       "agency.registered");
    }
    std::memcpy(key.data(), raw->data(), 32);
    if (KeyId(key) != e_.key_id) {
      return MakeError(Code::kUnauthenticated, "unknown_key",
                       "genesis must be signed by its data.public_key",
                       "/signature/key_id");
    }
    agency_ =
        AgencyRecord{"admin", Str(data_, "division_code"), Str(data_, "uscc")};
  } else {
    auto row = Get(KeyKey(e_.key_id));
    if (!row.ok()) return row.error();
    auto rec = row->has_value() ? DecodeKey(**row) : std::nullopt;
    if (!rec || rec->agency != e_.agency) {
      return MakeError(
          Code::kUnauthenticated, "unknown_key",
          "key " + e_.key_id + " is not registered to agency " + e_.agency,
          "/signature/key_id");
    }
    if (rec->revoked_seq < seq_) {
      return MakeError(Code::kUnauthenticated, "key_revoked",
                       "key " + e_.key_id + " was revoked at seq " +
                           std::to_string(rec->revoked_seq),
                       "/signature/key_id");
    }
    auto raw = Base64Decode(rec->public_key_b64);
    if (!raw || raw->size() != 32) return DataLoss("corrupt key row");
    std::memcpy(key.data(), raw->data(), 32);
    auto arow = Get(AgencyKey(e_.agency));
    if (!arow.ok()) return arow.error();
    auto arec = arow->has_value() ? DecodeAgency(**arow) : std::nullopt;
    if (!arec) return DataLoss("key without agency row: " + e_.agency);
    agency_ = *arec;
  }
  if (!check_signatures) return Status::Ok();
  bool valid;
  if (e_.sig_check != PreparedEvent::SigCheck::kNotChecked &&
      e_.checked_with == key) {
    valid = e_.sig_check == PreparedEvent::SigCheck::kValid;
  } else {
    valid = Ed25519Verify(key, SignedMessage(origin, e_.canonical_event),
                          AsBytes(e_.sig));
  }
  if (!valid) {
    return MakeError(Code::kUnauthenticated, "bad_signature",
                     "signature does not verify", "/signature/sig");
  }
  return Status::Ok();
}

// EVENTS.md "Which division an event belongs to", as the type's catalogue
// row says.
Result<std::string> Check::EventDivision(const EventRow& row) {
  switch (row.division) {
    case DivisionFrom::kField:
      return Str(data_, row.field);
    case DivisionFrom::kNational:
      return std::string("000000");
    case DivisionFrom::kAgencyRow: {
      std::string agency = Str(data_, row.field);
      auto found = Get(AgencyKey(agency));
      if (!found.ok()) return found.error();
      auto rec = found->has_value() ? DecodeAgency(**found) : std::nullopt;
      if (!rec) {
        return MakeError(Code::kFailedPrecondition, "unknown_reference",
                         "agency " + agency + " is unknown", Ptr(row.field));
      }
      return rec->division;
    }
    case DivisionFrom::kSubject: {
      auto r = Subject(SubjectKey(row.subject, Str(data_, row.field)),
                       Ptr(row.field), SubjectWord(row.subject));
      if (!r.ok()) return r.error();
      return r->division;
    }
    case DivisionFrom::kExceptionRef: {
      // `ref` may name a lot, contract, payment or station; a finding about
      // anything else (a vendor, an account) belongs to the submitter.
      std::string ref = Str(data_, row.field);
      for (const auto& key :
           {LotKey(ref), ContractKey(ref), PaymentKey(ref), StationKey(ref)}) {
        auto found = Get(key);
        if (!found.ok()) return found.error();
        if (found->has_value()) {
          auto rec = DecodeSubject(**found);
          if (rec) return rec->division;
        }
      }
      return agency_.division;
    }
    case DivisionFrom::kSubmitter:
      return agency_.division;
  }
  return agency_.division;
}

Status Check::NewKey(std::string_view field) {
  auto raw = Base64Decode(Str(data_, "public_key"));
  PublicKey key{};
  if (!raw || raw->size() != 32) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "public_key must be 32 bytes", Ptr(field));
  }
  std::memcpy(key.data(), raw->data(), 32);
  if (!IsAcceptablePublicKey(key)) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "public_key is not a valid Ed25519 key", Ptr(field));
  }
  std::string id = KeyId(key);
  auto row = Get(KeyKey(id));
  if (!row.ok()) return row.error();
  if (row->has_value()) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "key " + id + " already registered", Ptr(field));
  }
  puts_.emplace_back(KeyKey(id),
                     Encode(KeyRecord{Str(data_, "agency"),
                                      Str(data_, "public_key"), kNotRevoked}));
  return Status::Ok();
}

// Reference checks and the index rows this event creates.
Status Check::References() {
  const std::string& t = e_.type;
  auto lot_exists = [&](const char* field) -> Result<SubjectRecord> {
    return Subject(LotKey(Str(data_, field)), Ptr(field), "allocation");
  };
  auto stations_exist = [&](const char* field) -> Status {
    auto it = data_.find(field);
    if (it == data_.end()) return Status::Ok();
    for (std::size_t i = 0; i < it->size(); ++i) {
      auto r = Subject(StationKey((*it)[i].get<std::string>()),
                       Ptr(field) + "/" + std::to_string(i), "station");
      if (!r.ok()) return r.error();
    }
    return Status::Ok();
  };
  if (t == "agency.registered") {
    std::string id = Str(data_, "agency");
    FL_RETURN_IF_ERROR(MustBeNew(AgencyKey(id), Ptr("agency"), "agency"));
    FL_RETURN_IF_ERROR(NewKey("public_key"));
    puts_.emplace_back(
        AgencyKey(id),
        Encode(AgencyRecord{Str(data_, "kind"), Str(data_, "division_code"),
                            Str(data_, "uscc")}));
  } else if (t == "agency.key_added") {
    FL_RETURN_IF_ERROR(NewKey("public_key"));
  } else if (t == "agency.key_revoked") {
    std::string key = KeyKey(Str(data_, "key_id"));
    auto row = Get(key);
    if (!row.ok()) return row.error();
    auto rec = row->has_value() ? DecodeKey(**row) : std::nullopt;
    if (!rec || rec->agency != Str(data_, "agency")) {
      return MakeError(Code::kFailedPrecondition, "unknown_reference",
                       "key " + Str(data_, "key_id") +
                           " is not registered to " + Str(data_, "agency"),
                       Ptr("key_id"));
    }
    rec->revoked_seq = std::min(rec->revoked_seq, seq_);
    puts_.emplace_back(key, Encode(*rec));
  } else if (t == "budget.appropriated") {
    FL_RETURN_IF_ERROR(MustBeNew(LotKey(Str(data_, "allocation_id")),
                                 Ptr("allocation_id"), "allocation"));
    puts_.emplace_back(LotKey(Str(data_, "allocation_id")),
                       Encode(SubjectRecord{Str(data_, "division_code"), ""}));
  } else if (t == "allocation.issued") {
    if (data_.contains("parent_allocation_id")) {
      auto r = lot_exists("parent_allocation_id");
      if (!r.ok()) return r.error();
    }
    FL_RETURN_IF_ERROR(stations_exist("targets"));
    FL_RETURN_IF_ERROR(MustBeNew(LotKey(Str(data_, "allocation_id")),
                                 Ptr("allocation_id"), "allocation"));
    puts_.emplace_back(LotKey(Str(data_, "allocation_id")),
                       Encode(SubjectRecord{Str(data_, "to_code"), ""}));
  } else if (t == "funds.transferred") {
    auto from = lot_exists("allocation_id");
    if (!from.ok()) return from.error();
    std::string key = LotKey(Str(data_, "new_allocation_id"));
    FL_RETURN_IF_ERROR(MustBeNew(key, Ptr("new_allocation_id"), "allocation"));
    puts_.emplace_back(key, Encode(SubjectRecord{from->division, ""}));
  } else if (t == "station.established") {
    std::string key = StationKey(Str(data_, "station_id"));
    FL_RETURN_IF_ERROR(MustBeNew(key, Ptr("station_id"), "station"));
    puts_.emplace_back(key,
                       Encode(SubjectRecord{Str(data_, "division_code"), ""}));
  } else if (t == "contract.signed") {
    FL_RETURN_IF_ERROR(stations_exist("stations"));
    const Json& funding = data_["funding"];
    for (std::size_t i = 0; i < funding.size(); ++i) {
      auto r = Subject(LotKey(funding[i]["allocation_id"].get<std::string>()),
                       Ptr("funding/" + std::to_string(i) + "/allocation_id"),
                       "allocation");
      if (!r.ok()) return r.error();
    }
    std::string key = ContractKey(Str(data_, "contract_id"));
    FL_RETURN_IF_ERROR(MustBeNew(key, Ptr("contract_id"), "contract"));
    puts_.emplace_back(key, Encode(SubjectRecord{Str(data_, "division_code"),
                                                 Str(data_, "supplier_uscc")}));
  } else if (t == "payment.made") {
    auto lot = lot_exists("allocation_id");
    if (!lot.ok()) return lot.error();
    if (data_.contains("contract_id")) {
      auto r = Subject(ContractKey(Str(data_, "contract_id")),
                       Ptr("contract_id"), "contract");
      if (!r.ok()) return r.error();
    }
    if (data_.contains("station_id")) {
      auto r = Subject(StationKey(Str(data_, "station_id")), Ptr("station_id"),
                       "station");
      if (!r.ok()) return r.error();
    }
    std::string key = PaymentKey(Str(data_, "payment_id"));
    FL_RETURN_IF_ERROR(MustBeNew(key, Ptr("payment_id"), "payment"));
    puts_.emplace_back(key, Encode(SubjectRecord{lot->division, ""}));
  }
  return Status::Ok();
}

Result<Decision> Check::Run(bool check_signatures, std::string_view origin) {
  // Exact repeat, then id reuse (API.md order): a repeat is answered even
  // if its key was revoked since.
  std::string id_key = e_.id;
  auto prior = view_.Get(Store::kIds, id_key);
  if (!prior.ok()) return prior.error();
  if (prior->has_value()) {
    const std::string& row = **prior;
    if (row.size() == 40 &&
        std::memcmp(row.data() + 8, e_.envelope_hash.data(), 32) == 0) {
      return Decision{true, DecodeSeq(row), {}};
    }
    return MakeError(Code::kConflict, "event_id_conflict",
                     "event id " + e_.id + " exists with different content",
                     "/event/id");
  }
  FL_RETURN_IF_ERROR(Signature(check_signatures, origin));

  const EventRow* row = FindEventRow(e_.type);
  // Prepare has refused every type EVENTS.md does not list.
  FL_CHECK(row != nullptr, "no catalogue row for event type ", e_.type);
  if (!MaySubmit(*row, agency_.kind)) {
    return MakeError(Code::kPermissionDenied, "forbidden_event_type",
                     "a " + agency_.kind + " agency may not submit " + e_.type,
                     "/event/type");
  }
  auto division = EventDivision(*row);
  if (!division.ok()) return division.error();
  if (!DivisionWithin(*division, agency_.division)) {
    return MakeError(Code::kPermissionDenied, "out_of_scope",
                     "division " + *division + " is outside agency " +
                         e_.agency + "'s " + agency_.division);
  }
  if (agency_.kind == "provider") {
    auto c = Subject(ContractKey(Str(data_, "contract_id")), Ptr("contract_id"),
                     "contract");
    if (!c.ok()) return c.error();
    if (agency_.uscc.empty() || c->extra != agency_.uscc) {
      return MakeError(Code::kPermissionDenied, "out_of_scope",
                       "a provider may accept milestones only of its own "
                       "contracts",
                       Ptr("contract_id"));
    }
  }
  FL_RETURN_IF_ERROR(References());

  std::string id_row = EncodeSeq(seq_);
  id_row.append(reinterpret_cast<const char*>(e_.envelope_hash.data()), 32);
  view_.Put(Store::kIds, id_key, std::move(id_row));
  for (auto& [k, v] : puts_) view_.Put(Store::kIndex, k, v);
  Decision d;
  d.division = *division;
  return d;
}

}  // namespace

Result<Decision> CheckAndApply(const PreparedEvent& e, std::uint64_t seq,
                               Overlay& view, bool check_signatures,
                               std::string_view origin) {
  return Check(e, seq, view).Run(check_signatures, origin);
}

}  // namespace fl
