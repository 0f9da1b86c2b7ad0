// One row per event type of EVENTS.md: the fields of its `data`, who may
// submit it, how its division is found, what it references (each
// reference inside the submitter's write scope), and which id it creates.
// The schema checker (event_schema.h) and the validator read these rows
// instead of deciding by type names; a new type adds one row here (and its
// projection row in replay/projector.cpp).
#pragma once

#include <array>
#include <span>
#include <string_view>

#include "ledger/event_fields.h"

namespace fl {

// What an event names, for EVENTS.md "Which division an event belongs to".
// kFinding is the subject of a review (`exception.approved.ref`,
// `flag.reviewed.subject`): "<division_code>/..." or the id of a lot,
// contract, payment or station, which kinds its `rule` decides (RULES.md
// "Subject and id").
enum class SubjectKind { kNone, kLot, kContract, kPayment, kStation, kFinding };

enum class DivisionFrom {
  kField,      // data[field] itself (a division code)
  kNational,   // "000000": national, any admin may write it
  kAgencyRow,  // the division registered for data[field]'s agency
  kSubject,    // the division of the subject data[field] names (unknown: 422)
  kFindingOrSubmitter,  // the finding's subject's division; a subject the
                        // ledger does not hold (a vendor): the submitter's
  kSubmitter,           // the submitting agency's own division
};

// EVENTS.md "Authorization" (amended 2026-12): a reference besides the
// one the event's division comes from. `path` is a data field, "f/*" each
// string of array f, or "f/*/g" field g of each object in array f. Every
// referenced subject must exist (else 422 unknown_reference) and lie within
// the submitter's division (else 403 out_of_scope), field at the reference.
struct RefRow {
  std::string_view path;
  SubjectKind kind = SubjectKind::kNone;
};

// The subject an event creates: data[field] must be new, and is indexed at
// data[division_field], or at the event's own division when that is empty.
struct NewIdRow {
  std::string_view field;
  SubjectKind kind = SubjectKind::kNone;
  std::string_view division_field;
  std::string_view extra_field;  // stored with it (a contract's supplier)
};

// Effects on the agency and key index, which are not subjects.
enum class Identity { kNone, kRegisterAgency, kAddKey, kRevokeKey };

struct EventRow {
  std::string_view type;
  // EVENTS.md: the fields of `data`, in spec order.
  Record data;
  // EVENTS.md: agency kinds that may submit it (unused slots empty).
  std::array<std::string_view, 2> kinds;
  DivisionFrom division;
  std::string_view field;  // for every DivisionFrom but kNational, kSubmitter
  SubjectKind subject = SubjectKind::kNone;  // for kSubject
  std::array<RefRow, 2> refs = {};           // unused slots have empty paths
  NewIdRow creates = {};
  Identity identity = Identity::kNone;
};

std::span<const EventRow> EventCatalogue();
// The row of `type`, or null for a type EVENTS.md does not list.
const EventRow* FindEventRow(std::string_view type);
bool MaySubmit(const EventRow& row, std::string_view agency_kind);

// RULES.md "Subject and id": the kinds of id a finding of `rule` may name,
// in the order to look them up (R11 names a contract or a lot, R12 a
// contract or a payment). Empty for an unknown rule.
std::span<const SubjectKind> FindingKinds(std::string_view rule);

// EVENTS.md: the division of a "<division_code>/..." subject is the code
// before the first '/'; empty when `subject` has no '/'.
std::string_view FindingDivision(std::string_view subject);

}  // namespace fl
