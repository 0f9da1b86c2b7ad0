// What the fields of an event's `data` (and of the envelope around it)
// must look like: the field tables the catalogue rows carry
// (event_catalogue.cpp) and the schema checker reads (event_schema.cpp).
// Private to ledger/.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "crypto/status.h"
#include "ledger/canonical_json.h"

namespace fl {

// What a field's value must look like.
enum class Kind {
  kId,         // [A-Za-z0-9._:-]{1,64}: event, agency, lot, contract ids
  kRef,        // kId's charset plus '/': a finding's subject, "530621/2024"
  kHex16,      // 16 lowercase hex: key ids, flag ids
  kText,       // free text: not blank, at most 1000 characters
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

struct Record;

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

// The most fields one record has (allocation.issued); a longer table does
// not compile ("too many initializers") until this grows.
inline constexpr std::size_t kMaxRecordFields = 13;

// An object's fields in spec order, in place so that the catalogue rows
// stay constexpr. Unused slots, all after the last field, have empty names.
struct Record {
  Field slots[kMaxRecordFields] = {};

  constexpr std::span<const Field> fields() const {
    std::size_t n = 0;
    while (n < kMaxRecordFields && !slots[n].name.empty()) ++n;
    return {slots, n};
  }
};

constexpr Field Optional(Field f) {
  f.optional = true;
  return f;
}
constexpr Field Enum(std::string_view name,
                     std::span<const std::string_view> values) {
  return Field{name, Kind::kEnum, false, values};
}
constexpr Field Rec(std::string_view name, const Record& r) {
  return Field{name, Kind::kRecord, false, {}, &r};
}
constexpr Field RecList(std::string_view name, const Record& r) {
  return Field{name, Kind::kRecordList, false, {}, &r};
}
constexpr Field Checked(Field f, CrossCheck check) {
  f.check = check;
  return f;
}

// Cross-field checks of EVENTS.md, defined with the checker
// (event_schema.cpp) and named by the catalogue rows.
Status PeriodEndNotBeforeStart(const Json& v, const Json& parent,
                               const std::string& ptr);
Status SanctionToNotBeforeFrom(const Json& v, const Json& parent,
                               const std::string& ptr);
// A contract's items[] amounts add up to its value_fen.
Status ItemsSumToValue(const Json& items, const Json& data,
                       const std::string& ptr);
// flag.reviewed (amended 2026-12): flag_id is the id RULES.md derives from
// rule and subject.
Status FlagIdMatchesRuleAndSubject(const Json& subject, const Json& data,
                                   const std::string& ptr);

}  // namespace fl
