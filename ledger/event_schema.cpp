#include "ledger/event_schema.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/encoding.h"
#include "ledger/division.h"
#include "ledger/flag_id.h"
#include "ledger/limits.h"
#include "ledger/uscc.h"

namespace fl {
namespace {

// LEDGER.md 1: the canonical event may not exceed this many bytes.
// LEDGER.md 2: nesting within `event`, its root object being depth 1.
// EVENTS.md: amounts are integer fen > 0 and <= 10^15.
constexpr std::int64_t kMaxFen = 1'000'000'000'000'000;
// Not in the spec: bounds free text so one field cannot eat the budget
// of a whole event, and keeps ids/words short enough to index.
constexpr std::size_t kMaxTextChars = 1000;
constexpr std::size_t kMaxIdChars = 64;
constexpr std::size_t kMaxRefChars = 256;

// What a field's value must look like.
enum class Kind {
  kId,         // [A-Za-z0-9._:-]{1,64}: event, agency, lot, contract ids
  kRef,        // kId's charset plus '/': a finding's subject, "530621/2024"
  kHex16,      // 16 lowercase hex: key ids, flag ids
  kText,       // free text: not blank, at most kMaxTextChars characters
  kWord,       // an open vocabulary word (purpose, category): kId's form
  kEnum,       // one of Field::values
  kDivision,   // IsDivisionCode
  kUscc,       // IsValidUscc
  kPublicKey,  // base64 of 32 bytes
  kSignature,  // base64 of 64 bytes
  kAmount,     // integer fen, 1..10^15
  kDelta,      // integer fen, nonzero, |v| <= 10^15
  kYear,       // integer 2000..2100
  kDate,       // YYYY-MM-DD, a real calendar date
  kTimestamp,  // YYYY-MM-DDTHH:MM:SSZ, a real UTC time
  kBool,
  kObject,      // any object (policy params)
  kProgram,     // [A-Z][A-Z0-9_]*(\.[A-Z0-9_]+)*
  kEventType,   // one of EventTypes(), else unknown_event_type
  kEventData,   // the table of the event's type
  kIdList,      // array of kId
  kWordList,    // array of kWord
  kRecord,      // object with Field::record's fields
  kRecordList,  // array of those
};

struct Field;
struct Record {
  std::vector<Field> fields;
};

// Runs after the field's own kind check; `parent` is the enclosing object,
// whose earlier fields have already been checked.
using CrossCheck = Status (*)(const Json& value, const Json& parent,
                              const std::string& ptr);

struct Field {
  std::string_view name;
  Kind kind;
  bool optional = false;
  std::span<const std::string_view> values = {};
  const Record* record = nullptr;
  CrossCheck check = nullptr;
};

Field Optional(Field f) {
  f.optional = true;
  return f;
}
Field Enum(std::string_view name, std::span<const std::string_view> values) {
  return Field{name, Kind::kEnum, false, values};
}
Field Rec(std::string_view name, const Record& r) {
  return Field{name, Kind::kRecord, false, {}, &r};
}
Field RecList(std::string_view name, const Record& r) {
  return Field{name, Kind::kRecordList, false, {}, &r};
}
Field Checked(Field f, CrossCheck check) {
  f.check = check;
  return f;
}

// ---- Vocabularies (EVENTS.md) ----------------------------------------------

constexpr std::string_view kAgencyKinds[] = {
    "admin", "finance", "civil_affairs", "station", "provider", "auditor"};
constexpr std::string_view kFunds[] = {"lottery.central",
                                       "lottery.provincial",
                                       "lottery.prefecture",
                                       "lottery.county",
                                       "assistance.hardship_subsidy",
                                       "assistance.work_funds",
                                       "civil_affairs_special",
                                       "general_budget",
                                       "other_dept",
                                       "charity"};
constexpr std::string_view kRecoveryReasons[] = {"audit", "unspent_recall",
                                                 "vendor_refund"};
constexpr std::string_view kCapBaseKinds[] = {
    "assistance_pooled_total", "hardship_subsidy_total_expenditure"};
constexpr std::string_view kProcurementMethods[] = {"open", "selective",
                                                    "limited", "direct"};
constexpr std::string_view kFlagStatuses[] = {"confirmed", "dismissed",
                                              "remediated"};
constexpr std::string_view kRules[] = {
    "R01", "R02", "R03", "R04", "R05", "R06", "R07", "R08", "R09",
    "R10", "R11", "R12", "R13", "R14", "R15", "R16", "R17", "R18"};
constexpr std::string_view kAlgs[] = {"Ed25519"};

// ---- Small helpers ---------------------------------------------------------

// "/event/data/items/2/amount_fen" -> "data.items.2.amount_fen".
std::string Label(std::string_view ptr) {
  if (ptr.starts_with("/event/")) ptr.remove_prefix(7);
  if (ptr.starts_with("/")) ptr.remove_prefix(1);
  if (ptr.empty()) return "envelope";
  std::string out(ptr);
  std::replace(out.begin(), out.end(), '/', '.');
  return out;
}

Error Invalid(const std::string& ptr, std::string_view what) {
  return MakeError(Code::kInvalidArgument, "invalid_field",
                   Label(ptr) + " must be " + std::string(what), ptr);
}

// Appends an RFC 6901 reference token.
void PushToken(std::string& ptr, std::string_view token) {
  ptr += '/';
  for (char c : token) {
    if (c == '~') {
      ptr += "~0";
    } else if (c == '/') {
      ptr += "~1";
    } else {
      ptr += c;
    }
  }
}

// A user-supplied string for an error message: at most ~64 bytes, cut on
// a UTF-8 character boundary so the detail stays valid UTF-8.
std::string Quote(std::string_view s) {
  constexpr std::size_t kMax = 64;
  bool cut_short = false;
  if (s.size() > kMax) {
    std::size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) {
      --cut;
    }
    s = s.substr(0, cut);
    cut_short = true;
  }
  // Appended piecewise: GCC 12 -O3 warns (-Wrestrict) on "x" + string&&.
  std::string out;
  out.reserve(s.size() + 5);
  out.append("\"").append(s).append(cut_short ? "...\"" : "\"");
  return out;
}

std::optional<std::int64_t> AsInt(const Json& v) {
  if (v.is_number_unsigned()) {
    auto u = v.get<std::uint64_t>();
    if (u >
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  return std::nullopt;
}

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' || c == '-';
}

bool IsIdentifier(std::string_view s) {
  return !s.empty() && s.size() <= kMaxIdChars &&
         std::all_of(s.begin(), s.end(), IsIdChar);
}

bool IsRef(std::string_view s) {
  return !s.empty() && s.size() <= kMaxRefChars &&
         std::all_of(s.begin(), s.end(),
                     [](char c) { return IsIdChar(c) || c == '/'; });
}

bool IsLowerHex(std::string_view s, std::size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool IsProgramId(std::string_view s) {
  if (s.empty() || s.size() > kMaxIdChars || s[0] < 'A' || s[0] > 'Z') {
    return false;
  }
  bool after_dot = false;  // a segment after '.' needs at least one char
  for (char c : s.substr(1)) {
    if (c == '.') {
      if (after_dot) return false;
      after_dot = true;
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
      after_dot = false;
    } else {
      return false;
    }
  }
  return !after_dot;
}

// Counts code points of (valid) UTF-8.
std::size_t CharCount(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  }));
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  });
}

// Parses `n` ASCII digits, or -1.
int Digits(std::string_view s, std::size_t pos, std::size_t n) {
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y = Digits(s, 0, 4), m = Digits(s, 5, 2), d = Digits(s, 8, 2);
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max_day = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max_day;
}

// Whole seconds, Z only; no leap second (":60"), since nothing downstream
// could order it.
bool IsTimestamp(std::string_view s) {
  if (s.size() != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
      s[19] != 'Z' || !IsDate(s.substr(0, 10))) {
    return false;
  }
  int h = Digits(s, 11, 2), m = Digits(s, 14, 2), sec = Digits(s, 17, 2);
  return h >= 0 && h < 24 && m >= 0 && m < 60 && sec >= 0 && sec < 60;
}

bool IsBase64Of(std::string_view s, std::size_t bytes) {
  auto raw = Base64Decode(s);
  return raw.has_value() && raw->size() == bytes;
}

// ---- Cross-field checks ----------------------------------------------------

Status DateNotBefore(const Json& value, const Json& parent,
                     std::string_view earlier, const std::string& ptr) {
  // Same-format dates compare correctly as strings.
  if (value.get_ref<const std::string&>() <
      parent.at(earlier).get_ref<const std::string&>()) {
    return Invalid(ptr, "on or after " +
                            Label(ptr.substr(0, ptr.rfind('/') + 1)) +
                            std::string(earlier));
  }
  return Status::Ok();
}

Status PeriodEndNotBeforeStart(const Json& v, const Json& parent,
                               const std::string& ptr) {
  return DateNotBefore(v, parent, "start", ptr);
}

Status SanctionToNotBeforeFrom(const Json& v, const Json& parent,
                               const std::string& ptr) {
  return DateNotBefore(v, parent, "from", ptr);
}

// EVENTS.md: a contract's items[] amounts add up to its value_fen.
Status ItemsSumToValue(const Json& items, const Json& data,
                       const std::string& ptr) {
  std::int64_t value = *AsInt(data.at("value_fen"));
  std::int64_t sum = 0;
  for (const auto& item : items) {
    sum += *AsInt(item.at("amount_fen"));
    if (sum > kMaxFen) break;  // already wrong; never overflows
  }
  if (sum != value) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "data.items amounts must add up to data.value_fen (" +
                         std::to_string(sum) + " != " + std::to_string(value) +
                         ")",
                     ptr);
  }
  return Status::Ok();
}

// EVENTS.md (amended 2026-12): flag_id is the id RULES.md derives from
// rule and subject, so the ledger knows whose flag is reviewed.
Status FlagIdMatchesRuleAndSubject(const Json& subject, const Json& data,
                                   const std::string& ptr) {
  const std::string& rule = data.at("rule").get_ref<const std::string&>();
  const std::string& given = data.at("flag_id").get_ref<const std::string&>();
  std::string want = FlagId(rule, subject.get_ref<const std::string&>());
  if (given != want) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "data.flag_id " + given + " is not the id of " + rule +
                         " on this subject (" + want + ")",
                     ptr.substr(0, ptr.rfind('/') + 1) + "flag_id");
  }
  return Status::Ok();
}

// ---- The catalogue (EVENTS.md tables, in order) ----------------------------

struct TypeSpec {
  std::string_view type;
  Record data;
};

// Function statics: built on first use, never during static init.
const std::vector<TypeSpec>& Catalogue() {
  using enum Kind;
  static const Record kPeriod{
      {{"start", kDate}, Checked({"end", kDate}, PeriodEndNotBeforeStart)}};
  static const Record kItem{{{"category", kWord}, {"amount_fen", kAmount}}};
  static const Record kFunding{
      {{"allocation_id", kId}, {"amount_fen", kAmount}}};
  static const std::vector<TypeSpec> kCatalogue = {
      // Identity and policy.
      {"agency.registered",
       {{{"agency", kId},
         {"name", kText},
         Enum("kind", kAgencyKinds),
         {"division_code", kDivision},
         {"public_key", kPublicKey},
         Optional({"uscc", kUscc})}}},
      {"agency.key_added", {{{"agency", kId}, {"public_key", kPublicKey}}}},
      {"agency.key_revoked",
       {{{"agency", kId}, {"key_id", kHex16}, {"reason", kText}}}},
      {"program.defined",
       {{{"program", kProgram},
         {"name", kText},
         {"purposes", kWordList},
         {"allowed_categories", kWordList}}}},
      {"policy.set",
       {{Enum("rule", kRules),
         {"scope", kDivision},
         {"params", kObject},
         {"effective_from", kDate}}}},
      // Money in and down.
      {"budget.appropriated",
       {{{"allocation_id", kId},
         {"fiscal_year", kYear},
         Enum("fund", kFunds),
         {"division_code", kDivision},
         {"program", kProgram},
         {"amount_fen", kAmount},
         {"doc_no", kText}}}},
      {"allocation.issued",
       {{{"allocation_id", kId},
         Optional({"parent_allocation_id", kId}),
         {"from_code", kDivision},
         {"to_code", kDivision},
         Enum("fund", kFunds),
         {"program", kProgram},
         {"fiscal_year", kYear},
         {"amount_fen", kAmount},
         {"pass_through", kBool},
         Optional({"targets", kIdList}),
         Optional({"min_per_target_fen", kAmount}),
         Optional({"deadline", kDate}),
         {"doc_no", kText}}}},
      {"allocation.received",
       {{{"allocation_id", kId},
         {"received_on", kDate},
         {"amount_fen", kAmount}}}},
      {"funds.recovered",
       {{{"allocation_id", kId},
         {"amount_fen", kAmount},
         Enum("reason", kRecoveryReasons)}}},
      {"funds.transferred",
       {{{"allocation_id", kId},
         {"new_allocation_id", kId},
         Enum("to_fund", kFunds),
         {"to_program", kProgram},
         {"amount_fen", kAmount},
         Optional({"approval_doc", kText})}}},
      {"cap_base.declared",
       {{Enum("kind", kCapBaseKinds),
         {"division_code", kDivision},
         {"fiscal_year", kYear},
         {"amount_fen", kAmount},
         {"doc_no", kText}}}},
      {"fiscal_year.closed",
       {{{"division_code", kDivision}, {"fiscal_year", kYear}}}},
      // Stations, vendors, contracts, payments.
      {"station.established",
       {{{"station_id", kId},
         {"name", kText},
         {"division_code", kDivision},
         {"date", kDate}}}},
      {"station.deregistered", {{{"station_id", kId}, {"date", kDate}}}},
      {"vendor.sanctioned",
       {{{"uscc", kUscc},
         {"list", kText},
         {"from", kDate},
         Checked({"to", kDate}, SanctionToNotBeforeFrom),
         {"doc_no", kText}}}},
      {"vendor.sanction_lifted",
       {{{"uscc", kUscc},
         {"list", kText},
         {"date", kDate},
         {"doc_no", kText}}}},
      {"contract.signed",
       {{{"contract_id", kId},
         {"division_code", kDivision},
         {"program", kProgram},
         {"supplier_uscc", kUscc},
         Enum("procurement_method", kProcurementMethods),
         {"value_fen", kAmount},
         Rec("period", kPeriod),
         {"stations", kIdList},
         Checked(RecList("items", kItem), ItemsSumToValue),
         RecList("funding", kFunding)}}},
      {"contract.amended",
       {{{"contract_id", kId},
         Optional({"value_delta_fen", kDelta}),
         Optional({"period_end", kDate}),
         {"rationale", kText}}}},
      {"contract.terminated",
       {{{"contract_id", kId}, {"date", kDate}, {"reason", kText}}}},
      {"milestone.accepted",
       {{{"contract_id", kId}, {"milestone_id", kId}, {"accepted_on", kDate}}}},
      {"payment.made",
       {{{"payment_id", kId},
         {"allocation_id", kId},
         {"payee_uscc", kUscc},
         {"amount_fen", kAmount},
         {"paid_on", kDate},
         {"economic_class", kWord},
         {"service_category", kWord},
         {"purpose", kWord},
         {"invoice_no", kText},
         Optional({"contract_id", kId}),
         Optional({"milestone_id", kId}),
         Optional({"station_id", kId})}}},
      {"payment.reversed", {{{"payment_id", kId}, {"reason", kText}}}},
      {"evaluation.completed",
       {{{"contract_id", kId}, {"date", kDate}, {"result", kText}}}},
      // Review.
      {"exception.approved",
       {{Enum("rule", kRules), {"ref", kRef}, {"doc_no", kText}}}},
      {"flag.reviewed",
       {{{"flag_id", kHex16},
         Enum("rule", kRules),
         Checked({"subject", kRef}, FlagIdMatchesRuleAndSubject),
         Enum("status", kFlagStatuses),
         {"note", kText}}}},
  };
  return kCatalogue;
}

const TypeSpec* FindType(std::string_view type) {
  for (const auto& spec : Catalogue()) {
    if (spec.type == type) return &spec;
  }
  return nullptr;
}

// LEDGER.md 2: the envelope, the event around `data`, the signature.
const Record& EnvelopeRecord() {
  using enum Kind;
  static const Record kEvent{{{"id", kId},
                              {"type", kEventType},
                              {"agency", kId},
                              {"occurred_at", kTimestamp},
                              {"data", kEventData}}};
  static const Record kSig{
      {Enum("alg", kAlgs), {"key_id", kHex16}, {"sig", kSignature}}};
  static const Record kEnvelope{{Rec("event", kEvent), Rec("signature", kSig)}};
  return kEnvelope;
}

// ---- The checker -----------------------------------------------------------

Status CheckRecord(const Json& obj, const Record& rec, std::string& ptr);

Status CheckValue(const Field& f, const Json& v, const Json& parent,
                  std::string& ptr) {
  using enum Kind;
  const std::string* s =
      v.is_string() ? &v.get_ref<const std::string&>() : nullptr;
  switch (f.kind) {
    case kId:
      if (!s || !IsIdentifier(*s)) {
        return Invalid(ptr, "1-64 characters of [A-Za-z0-9._:-]");
      }
      break;
    case kRef:
      if (!s || !IsRef(*s)) {
        return Invalid(ptr, "1-256 characters of [A-Za-z0-9._:/-]");
      }
      // EVENTS.md: a "<division_code>/..." subject belongs to that code.
      if (auto slash = s->find('/');
          slash != std::string::npos &&
          !IsDivisionCode(std::string_view(*s).substr(0, slash))) {
        return Invalid(ptr, "an id, or a division code followed by '/'");
      }
      break;
    case kHex16:
      if (!s || !IsLowerHex(*s, 16)) {
        return Invalid(ptr, "16 lowercase hex digits");
      }
      break;
    case kText:
      if (!s || IsBlank(*s) || CharCount(*s) > kMaxTextChars) {
        return Invalid(ptr, "a non-blank string of at most 1000 characters");
      }
      break;
    case kWord:
      if (!s || !IsIdentifier(*s)) {
        return Invalid(ptr, "a word of 1-64 characters of [A-Za-z0-9._:-]");
      }
      break;
    case kEnum:
      if (!s ||
          std::find(f.values.begin(), f.values.end(), *s) == f.values.end()) {
        std::string list;
        for (auto value : f.values) {
          list += list.empty() ? "" : ", ";
          list += value;
        }
        return Invalid(ptr, "one of " + list);
      }
      break;
    case kDivision:
      if (!s || !IsDivisionCode(*s)) {
        return Invalid(ptr, "a division code of 6, 9 or 12 digits");
      }
      break;
    case kUscc:
      if (!s || !IsValidUscc(*s)) {
        return Invalid(ptr,
                       "a unified social credit code (18 characters, valid "
                       "check character)");
      }
      break;
    case kPublicKey:
      if (!s || !IsBase64Of(*s, 32)) {
        return Invalid(ptr, "standard base64 of a 32-byte key");
      }
      break;
    case kSignature:
      if (!s || !IsBase64Of(*s, 64)) {
        return Invalid(ptr, "standard base64 of a 64-byte signature");
      }
      break;
    case kAmount: {
      auto n = AsInt(v);
      if (!n || *n < 1 || *n > kMaxFen) {
        return Invalid(ptr, "an integer number of fen from 1 to 10^15");
      }
      break;
    }
    case kDelta: {
      auto n = AsInt(v);
      if (!n || *n == 0 || *n < -kMaxFen || *n > kMaxFen) {
        return Invalid(ptr, "a nonzero integer number of fen within +-10^15");
      }
      break;
    }
    case kYear: {
      auto n = AsInt(v);
      if (!n || *n < 2000 || *n > 2100) {
        return Invalid(ptr, "an integer year from 2000 to 2100");
      }
      break;
    }
    case kDate:
      if (!s || !IsDate(*s)) return Invalid(ptr, "a date YYYY-MM-DD");
      break;
    case kTimestamp:
      if (!s || !IsTimestamp(*s)) {
        return Invalid(ptr, "a UTC time YYYY-MM-DDTHH:MM:SSZ");
      }
      break;
    case kBool:
      if (!v.is_boolean()) return Invalid(ptr, "true or false");
      break;
    case kObject:
      if (!v.is_object()) return Invalid(ptr, "an object");
      break;
    case kProgram:
      if (!s || !IsProgramId(*s)) {
        return Invalid(ptr,
                       "a program id like SWS.OPS "
                       "([A-Z][A-Z0-9_]*(.[A-Z0-9_]+)*, at most 64)");
      }
      break;
    case kEventType:
      if (!s) return Invalid(ptr, "a string");
      if (!FindType(*s)) {
        return MakeError(Code::kInvalidArgument, "unknown_event_type",
                         "unknown event type " + Quote(*s), ptr);
      }
      break;
    case kEventData:
      // `type` precedes `data` and has passed, so it names a known type.
      return CheckRecord(
          v, FindType(parent.at("type").get_ref<const std::string&>())->data,
          ptr);
    case kIdList:
    case kWordList:
    case kRecordList: {
      if (!v.is_array()) return Invalid(ptr, "an array");
      Field element{f.name, f.kind == kIdList     ? kId
                            : f.kind == kWordList ? kWord
                                                  : kRecord};
      element.record = f.record;
      std::size_t base = ptr.size();
      for (std::size_t i = 0; i < v.size(); ++i) {
        ptr += '/';
        ptr += std::to_string(i);
        FL_RETURN_IF_ERROR(CheckValue(element, v[i], v, ptr));
        ptr.resize(base);
      }
      break;
    }
    case kRecord:
      FL_RETURN_IF_ERROR(CheckRecord(v, *f.record, ptr));
      break;
  }
  if (f.check) return f.check(v, parent, ptr);
  return Status::Ok();
}

// Unknown keys first (a misspelt name is the real mistake behind the
// "missing" field it leaves), then the table's fields in spec order.
Status CheckRecord(const Json& obj, const Record& rec, std::string& ptr) {
  if (!obj.is_object()) return Invalid(ptr, "an object");
  std::size_t base = ptr.size();
  for (const auto& [key, _] : obj.items()) {
    bool known = std::any_of(rec.fields.begin(), rec.fields.end(),
                             [&](const Field& f) { return f.name == key; });
    if (!known) {
      PushToken(ptr, key);
      return MakeError(
          Code::kInvalidArgument, "unknown_field",
          "unknown field " + Quote(key) + " in " + Label(ptr.substr(0, base)),
          ptr);
    }
  }
  for (const Field& f : rec.fields) {
    PushToken(ptr, f.name);
    auto it = obj.find(f.name);
    if (it == obj.end()) {
      if (!f.optional) {
        return MakeError(Code::kInvalidArgument, "missing_field",
                         Label(ptr) + " is required", ptr);
      }
    } else {
      FL_RETURN_IF_ERROR(CheckValue(f, *it, obj, ptr));
    }
    ptr.resize(base);
  }
  return Status::Ok();
}

// Pointer to the first container nested deeper than `limit`, if any.
std::optional<std::string> TooDeep(const Json& v, int depth, int limit,
                                   std::string& ptr) {
  if (!v.is_structured()) return std::nullopt;
  if (depth > limit) return ptr;
  std::size_t base = ptr.size();
  if (v.is_object()) {
    for (const auto& [key, child] : v.items()) {
      PushToken(ptr, key);
      if (auto hit = TooDeep(child, depth + 1, limit, ptr)) return hit;
      ptr.resize(base);
    }
  } else {
    for (std::size_t i = 0; i < v.size(); ++i) {
      ptr += '/';
      ptr += std::to_string(i);
      if (auto hit = TooDeep(v[i], depth + 1, limit, ptr)) return hit;
      ptr.resize(base);
    }
  }
  return std::nullopt;
}

}  // namespace

Status ValidateEnvelope(const Json& envelope) {
  // API.md order: size, then JSON-level faults, then the schema.
  if (envelope.is_object()) {
    if (auto it = envelope.find("event"); it != envelope.end()) {
      std::size_t size = Canonicalize(*it).size();
      if (size > limits::kMaxCanonicalEventBytes) {
        return MakeError(Code::kResourceExhausted, "payload_too_large",
                         "canonical event is " + std::to_string(size) +
                             " bytes, over the limit of " +
                             std::to_string(limits::kMaxCanonicalEventBytes),
                         "/event");
      }
      std::string ptr = "/event";
      if (auto hit = TooDeep(*it, 1, limits::kMaxEventDepth, ptr)) {
        return MakeError(Code::kInvalidArgument, "too_deep",
                         "event nests deeper than " +
                             std::to_string(limits::kMaxEventDepth) + " at " +
                             *hit,
                         *hit);
      }
    }
  }
  std::string ptr;
  ptr.reserve(64);
  return CheckRecord(envelope, EnvelopeRecord(), ptr);
}

Status CheckOccurredAt(std::string_view occurred_at, std::string_view latest) {
  // Timestamps of one fixed format compare correctly as strings.
  if (occurred_at < limits::kEarliestOccurredAt) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "event.occurred_at " + std::string(occurred_at) +
                         " is before " +
                         std::string(limits::kEarliestOccurredAt),
                     "/event/occurred_at");
  }
  if (occurred_at > latest) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "event.occurred_at " + std::string(occurred_at) +
                         " is more than " +
                         std::to_string(limits::kMaxOccurredAtAhead.count()) +
                         " hours after the ledger's clock (latest " +
                         std::string(latest) + ")",
                     "/event/occurred_at");
  }
  return Status::Ok();
}

const std::vector<std::string>& EventTypes() {
  static const std::vector<std::string> kTypes = [] {
    std::vector<std::string> types;
    for (const auto& spec : Catalogue()) types.emplace_back(spec.type);
    return types;
  }();
  return kTypes;
}

}  // namespace fl
