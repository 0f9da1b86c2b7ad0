// One row per event type of EVENTS.md: who may submit it and how its
// division is found. The validator reads these rows instead of deciding by
// type names in several places; a new type adds one row here (and its
// schema row in event_schema.cpp, its references in validator.cpp).
#pragma once

#include <array>
#include <span>
#include <string_view>

namespace fl {

// What an event names, for EVENTS.md "Which division an event belongs to".
enum class SubjectKind { kNone, kLot, kContract, kPayment, kStation };

enum class DivisionFrom {
  kField,         // data[field] itself (a division code)
  kNational,      // "000000": national, any admin may write it
  kAgencyRow,     // the division registered for data[field]'s agency
  kSubject,       // the division of the subject data[field] names
  kExceptionRef,  // the subject data.ref names, else the submitter's
  kSubmitter,     // the submitting agency's own division
};

struct EventRow {
  std::string_view type;
  // EVENTS.md: agency kinds that may submit it (unused slots empty).
  std::array<std::string_view, 2> kinds;
  DivisionFrom division;
  std::string_view field;                    // for kField, kAgencyRow, kSubject
  SubjectKind subject = SubjectKind::kNone;  // for kSubject
};

std::span<const EventRow> EventCatalogue();
// The row of `type`, or null for a type EVENTS.md does not list.
const EventRow* FindEventRow(std::string_view type);
bool MaySubmit(const EventRow& row, std::string_view agency_kind);

}  // namespace fl
