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
    case SubjectKind::kFinding:
      break;
  }
  FL_CHECK(false, "only a lot, contract, payment or station has a key");
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
    case SubjectKind::kFinding:
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
  Result<std::optional<SubjectRecord>> Lookup(SubjectKind kind,
                                              std::string_view id) {
    auto v = Get(SubjectKey(kind, id));
    if (!v.ok()) return v.error();
    if (!v->has_value()) return std::optional<SubjectRecord>();
    auto r = DecodeSubject(**v);
    if (!r) return DataLoss("corrupt index row " + SubjectKey(kind, id));
    return r;
  }
  Result<std::optional<std::string>> FindingDivisionOf(
      std::string_view subject);
  Result<std::string> EventDivision(const EventRow& row);
  Error OutOfScope(std::string_view what, std::string_view division,
                   std::string field) const;
  std::vector<std::pair<std::string, std::string>> Expand(
      std::string_view path) const;
  Status References(const EventRow& row);
  Status Creates(const EventRow& row, const std::string& division);
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

// The division of a review's subject (RULES.md "Subject and id"): the code
// before the first '/', else the division of the lot, contract, payment or
// station its rule names; nullopt when the ledger holds no such subject.
Result<std::optional<std::string>> Check::FindingDivisionOf(
    std::string_view subject) {
  if (std::string_view code = FindingDivision(subject); !code.empty()) {
    return std::optional<std::string>(std::string(code));
  }
  for (SubjectKind kind : FindingKinds(Str(data_, "rule"))) {
    auto found = Lookup(kind, subject);
    if (!found.ok()) return found.error();
    if (found->has_value()) {
      return std::optional<std::string>((*found)->division);
    }
  }
  return std::optional<std::string>();
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
      std::string id = Str(data_, row.field);
      if (row.subject == SubjectKind::kFinding) {
        auto division = FindingDivisionOf(id);
        if (!division.ok()) return division.error();
        if (!division->has_value()) {
          return MakeError(Code::kFailedPrecondition, "unknown_reference",
                           Str(data_, "rule") + " subject " + id +
                               " is not a lot, contract, payment or station "
                               "the ledger holds",
                           Ptr(row.field));
        }
        return **division;
      }
      auto r = Subject(SubjectKey(row.subject, id), Ptr(row.field),
                       SubjectWord(row.subject));
      if (!r.ok()) return r.error();
      return r->division;
    }
    case DivisionFrom::kFindingOrSubmitter: {
      // `ref` may also name a vendor or an account, which hold no division.
      auto division = FindingDivisionOf(Str(data_, row.field));
      if (!division.ok()) return division.error();
      return division->value_or(agency_.division);
    }
    case DivisionFrom::kSubmitter:
      return agency_.division;
  }
  return agency_.division;
}

Error Check::OutOfScope(std::string_view what, std::string_view division,
                        std::string field) const {
  return MakeError(Code::kPermissionDenied, "out_of_scope",
                   std::string(what) + " lies in division " +
                       std::string(division) + ", outside agency " + e_.agency +
                       "'s " + agency_.division,
                   std::move(field));
}

// Each (JSON pointer, id) a reference path names in this event's data:
// "f", "f/*" (strings of array f) or "f/*/g" (g of each object in f).
std::vector<std::pair<std::string, std::string>> Check::Expand(
    std::string_view path) const {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t star = path.find("/*");
  if (star == std::string_view::npos) {
    auto it = data_.find(std::string(path));
    if (it != data_.end() && it->is_string()) {
      out.emplace_back(Ptr(path), it->get<std::string>());
    }
    return out;
  }
  std::string array(path.substr(0, star));
  std::string_view member = path.substr(star + 2);
  if (!member.empty()) member.remove_prefix(1);  // the '/' after '*'
  auto it = data_.find(array);
  if (it == data_.end() || !it->is_array()) return out;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const Json& v = (*it)[i];
    std::string ptr = Ptr(array) + "/" + std::to_string(i);
    if (member.empty()) {
      if (v.is_string()) out.emplace_back(ptr, v.get<std::string>());
    } else if (auto m = v.find(std::string(member));
               m != v.end() && m->is_string()) {
      out.emplace_back(ptr + "/" + std::string(member), m->get<std::string>());
    }
  }
  return out;
}

// EVENTS.md "Authorization" (amended 2026-12): every subject the event
// references lies within the submitter's division. An out-of-scope
// reference is reported before an unknown one, as API.md orders
// authorization before references.
Status Check::References(const EventRow& row) {
  std::optional<Error> unknown;
  for (const RefRow& ref : row.refs) {
    if (ref.path.empty()) continue;
    for (auto& [ptr, id] : Expand(ref.path)) {
      auto found = Lookup(ref.kind, id);
      if (!found.ok()) return found.error();
      if (!found->has_value()) {
        if (!unknown) {
          unknown = Error{
              Code::kFailedPrecondition, "unknown_reference",
              std::string(SubjectWord(ref.kind)) + " " + id + " is unknown",
              ptr};
        }
        continue;
      }
      if (!DivisionWithin((*found)->division, agency_.division)) {
        return OutOfScope(
            std::string(SubjectWord(ref.kind)) + " " + id + " at " + ptr,
            (*found)->division, ptr);
      }
    }
  }
  if (unknown) return *unknown;
  return Status::Ok();
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

// The subject this event creates, and the agency and key rows.
Status Check::Creates(const EventRow& row, const std::string& division) {
  if (const NewIdRow& c = row.creates; !c.field.empty()) {
    std::string key = SubjectKey(c.kind, Str(data_, c.field));
    FL_RETURN_IF_ERROR(MustBeNew(key, Ptr(c.field), SubjectWord(c.kind)));
    std::string at =
        c.division_field.empty() ? division : Str(data_, c.division_field);
    std::string extra = c.extra_field.empty() ? "" : Str(data_, c.extra_field);
    puts_.emplace_back(key, Encode(SubjectRecord{at, extra}));
  }
  switch (row.identity) {
    case Identity::kNone:
      break;
    case Identity::kRegisterAgency: {
      std::string id = Str(data_, "agency");
      FL_RETURN_IF_ERROR(MustBeNew(AgencyKey(id), Ptr("agency"), "agency"));
      FL_RETURN_IF_ERROR(NewKey("public_key"));
      puts_.emplace_back(
          AgencyKey(id),
          Encode(AgencyRecord{Str(data_, "kind"), Str(data_, "division_code"),
                              Str(data_, "uscc")}));
      break;
    }
    case Identity::kAddKey:
      FL_RETURN_IF_ERROR(NewKey("public_key"));
      break;
    case Identity::kRevokeKey: {
      std::string key = KeyKey(Str(data_, "key_id"));
      auto found = Get(key);
      if (!found.ok()) return found.error();
      auto rec = found->has_value() ? DecodeKey(**found) : std::nullopt;
      if (!rec || rec->agency != Str(data_, "agency")) {
        return MakeError(Code::kFailedPrecondition, "unknown_reference",
                         "key " + Str(data_, "key_id") +
                             " is not registered to " + Str(data_, "agency"),
                         Ptr("key_id"));
      }
      rec->revoked_seq = std::min(rec->revoked_seq, seq_);
      puts_.emplace_back(key, Encode(*rec));
      break;
    }
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
  if (agency_.kind == "provider") {
    // EVENTS.md: a provider accepts milestones of contracts naming its own
    // USCC wherever they are, so its division does not bound them.
    auto c = Subject(ContractKey(Str(data_, "contract_id")), Ptr("contract_id"),
                     "contract");
    if (!c.ok()) return c.error();
    if (agency_.uscc.empty() || c->extra != agency_.uscc) {
      return MakeError(Code::kPermissionDenied, "out_of_scope",
                       "a provider may accept milestones only of its own "
                       "contracts",
                       Ptr("contract_id"));
    }
  } else if (!DivisionWithin(*division, agency_.division)) {
    bool has_field = row->division != DivisionFrom::kNational &&
                     row->division != DivisionFrom::kSubmitter;
    return OutOfScope(e_.type, *division,
                      has_field ? Ptr(row->field) : std::string());
  }
  FL_RETURN_IF_ERROR(References(*row));
  FL_RETURN_IF_ERROR(Creates(*row, *division));

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
