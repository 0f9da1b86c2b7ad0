#include "ledger/event_schema.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/encoding.h"
#include "ledger/division.h"
#include "ledger/event_catalogue.h"
#include "ledger/event_fields.h"
#include "ledger/flag_id.h"
#include "ledger/json_text.h"
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

// The shared part of the date-order cross-checks below.
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

// ---- The envelope (LEDGER.md 2) --------------------------------------------

constexpr std::string_view kAlgs[] = {"Ed25519"};

// LEDGER.md 2: the envelope, the event around `data`, the signature.
constexpr Record kEvent{{{"id", Kind::kId},
                         {"type", Kind::kEventType},
                         {"agency", Kind::kId},
                         {"occurred_at", Kind::kTimestamp},
                         {"data", Kind::kEventData}}};
constexpr Record kSig{
    {Enum("alg", kAlgs), {"key_id", Kind::kHex16}, {"sig", Kind::kSignature}}};
constexpr Record kEnvelope{{Rec("event", kEvent), Rec("signature", kSig)}};

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
      if (!FindEventRow(*s)) {
        return MakeError(Code::kInvalidArgument, "unknown_event_type",
                         "unknown event type " + Quote(*s), ptr);
      }
      break;
    case kEventData:
      // `type` precedes `data` and has passed, so it names a known type.
      return CheckRecord(
          v,
          FindEventRow(parent.at("type").get_ref<const std::string&>())->data,
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
  std::span<const Field> fields = rec.fields();
  std::size_t base = ptr.size();
  for (const auto& item : obj.items()) {
    // A named reference, not a structured binding: clang 14 (the fuzz
    // build) cannot capture bindings in a lambda.
    const std::string& key = item.key();
    bool known = std::any_of(fields.begin(), fields.end(),
                             [&](const Field& f) { return f.name == key; });
    if (!known) {
      AppendPointerToken(ptr, key);
      return MakeError(
          Code::kInvalidArgument, "unknown_field",
          "unknown field " + Quote(key) + " in " + Label(ptr.substr(0, base)),
          ptr);
    }
  }
  for (const Field& f : fields) {
    AppendPointerToken(ptr, f.name);
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
      AppendPointerToken(ptr, key);
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

// ---- Cross-field checks (EVENTS.md), named by the catalogue rows -----------

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

// ---- The checker's entry points --------------------------------------------

Status ValidateEnvelope(const Json& envelope, std::string* canonical_event) {
  // API.md order: size, then JSON-level faults, then the schema.
  if (envelope.is_object()) {
    if (auto it = envelope.find("event"); it != envelope.end()) {
      std::string canonical = Canonicalize(*it);
      const std::size_t size = canonical.size();
      if (canonical_event) *canonical_event = std::move(canonical);
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
  return CheckRecord(envelope, kEnvelope, ptr);
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
    for (const EventRow& row : EventCatalogue()) types.emplace_back(row.type);
    return types;
  }();
  return kTypes;
}

}  // namespace fl
