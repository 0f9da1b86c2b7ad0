#include "ledger/event_catalogue.h"

#include <algorithm>

namespace fl {
namespace {

constexpr std::string_view kAdmin = "admin";
constexpr std::string_view kFinance = "finance";
constexpr std::string_view kCivil = "civil_affairs";
constexpr std::string_view kProvider = "provider";
constexpr std::string_view kAuditor = "auditor";

using D = DivisionFrom;
using S = SubjectKind;
using I = Identity;

// EVENTS.md, in its order. The deliberate gaps in write scope (amended
// 2026-12) show here as what is *not* a reference: `allocation.issued`'s
// `to_code` (money goes down or across), payee and supplier USCCs, vendor
// events, and a provider's milestones (checked against its USCC instead).
constexpr EventRow kRows[] = {
    // Identity and policy.
    {"agency.registered",
     {kAdmin, {}},
     D::kField,
     "division_code",
     S::kNone,
     {},
     {},
     I::kRegisterAgency},
    {"agency.key_added",
     {kAdmin, {}},
     D::kAgencyRow,
     "agency",
     S::kNone,
     {},
     {},
     I::kAddKey},
    {"agency.key_revoked",
     {kAdmin, {}},
     D::kAgencyRow,
     "agency",
     S::kNone,
     {},
     {},
     I::kRevokeKey},
    {"program.defined", {kAdmin, {}}, D::kNational, {}},
    {"policy.set", {kAdmin, {}}, D::kField, "scope"},
    // Money in and down.
    {"budget.appropriated",
     {kFinance, kCivil},
     D::kField,
     "division_code",
     S::kNone,
     {},
     {"allocation_id", S::kLot, "division_code", {}}},
    {"allocation.issued",
     {kFinance, kCivil},
     D::kField,
     "from_code",
     S::kNone,
     {{{"parent_allocation_id", S::kLot}, {"targets/*", S::kStation}}},
     {"allocation_id", S::kLot, "to_code", {}}},
    // The lot's division is its `to_code`: the receiver acknowledges money
    // sent to it.
    {"allocation.received",
     {kFinance, kCivil},
     D::kSubject,
     "allocation_id",
     S::kLot},
    {"funds.recovered",
     {kFinance, kCivil},
     D::kSubject,
     "allocation_id",
     S::kLot},
    {"funds.transferred",
     {kFinance, kCivil},
     D::kSubject,
     "allocation_id",
     S::kLot,
     {},
     {"new_allocation_id", S::kLot, {}, {}}},
    {"cap_base.declared", {kFinance, kCivil}, D::kField, "division_code"},
    {"fiscal_year.closed", {kFinance, kCivil}, D::kField, "division_code"},
    // Stations, vendors, contracts, payments.
    {"station.established",
     {kCivil, {}},
     D::kField,
     "division_code",
     S::kNone,
     {},
     {"station_id", S::kStation, "division_code", {}}},
    {"station.deregistered",
     {kCivil, {}},
     D::kSubject,
     "station_id",
     S::kStation},
    {"vendor.sanctioned", {kCivil, {}}, D::kSubmitter, {}},
    {"vendor.sanction_lifted", {kCivil, {}}, D::kSubmitter, {}},
    {"contract.signed",
     {kCivil, {}},
     D::kField,
     "division_code",
     S::kNone,
     {{{"funding/*/allocation_id", S::kLot}, {"stations/*", S::kStation}}},
     {"contract_id", S::kContract, "division_code", "supplier_uscc"}},
    {"contract.amended",
     {kCivil, {}},
     D::kSubject,
     "contract_id",
     S::kContract},
    {"contract.terminated",
     {kCivil, {}},
     D::kSubject,
     "contract_id",
     S::kContract},
    {"milestone.accepted",
     {kCivil, kProvider},
     D::kSubject,
     "contract_id",
     S::kContract},
    {"payment.made",
     {kCivil, {}},
     D::kSubject,
     "allocation_id",
     S::kLot,
     {{{"contract_id", S::kContract}, {"station_id", S::kStation}}},
     {"payment_id", S::kPayment, {}, {}}},
    {"payment.reversed", {kCivil, {}}, D::kSubject, "payment_id", S::kPayment},
    {"evaluation.completed",
     {kCivil, {}},
     D::kSubject,
     "contract_id",
     S::kContract},
    // Review. A finding about something the ledger does not hold (a vendor)
    // belongs to the submitter; a flag's subject always exists.
    {"exception.approved", {kFinance, kAuditor}, D::kFindingOrSubmitter, "ref"},
    {"flag.reviewed",
     {kFinance, kAuditor},
     D::kSubject,
     "subject",
     S::kFinding},
};

constexpr bool RowsAreWellFormed() {
  for (const EventRow& r : kRows) {
    bool needs_field =
        r.division != D::kNational && r.division != D::kSubmitter;
    if (needs_field == r.field.empty()) return false;
    if ((r.division == D::kSubject) != (r.subject != S::kNone)) return false;
    if (r.kinds[0].empty()) return false;
    for (const RefRow& ref : r.refs) {
      if (ref.path.empty() != (ref.kind == S::kNone)) return false;
      if (ref.kind == S::kFinding) return false;  // findings are divisions
    }
    if (r.creates.field.empty() != (r.creates.kind == S::kNone)) return false;
  }
  return true;
}
static_assert(RowsAreWellFormed(),
              "each row names its fields, subjects and at least one kind");

struct RuleKinds {
  std::string_view rule;
  std::array<SubjectKind, 2> kinds;
};
// RULES.md "Subject and id". R07, R08, R09 and R14 name only
// "<division_code>/..." subjects, R15(c) too.
constexpr RuleKinds kRuleKinds[] = {
    {"R01", {S::kPayment, S::kLot}},  // a transfer's new lot
    {"R02", {S::kLot}},
    {"R03", {S::kLot}},
    {"R04", {S::kPayment}},
    {"R05", {S::kPayment}},
    {"R06", {S::kContract}},
    {"R07", {}},
    {"R08", {}},
    {"R09", {}},
    {"R10", {S::kLot}},
    {"R11", {S::kContract, S::kLot}},
    {"R12", {S::kContract, S::kPayment}},  // at signing, at payment
    {"R13", {S::kPayment}},
    {"R14", {}},
    {"R15", {S::kPayment}},
    {"R16", {S::kStation}},
    {"R17", {S::kContract}},
    {"R18", {S::kPayment}},
};

}  // namespace

std::span<const EventRow> EventCatalogue() { return kRows; }

const EventRow* FindEventRow(std::string_view type) {
  for (const EventRow& r : kRows) {
    if (r.type == type) return &r;
  }
  return nullptr;
}

bool MaySubmit(const EventRow& row, std::string_view agency_kind) {
  return !agency_kind.empty() && std::find(row.kinds.begin(), row.kinds.end(),
                                           agency_kind) != row.kinds.end();
}

std::span<const SubjectKind> FindingKinds(std::string_view rule) {
  for (const RuleKinds& r : kRuleKinds) {
    if (r.rule != rule) continue;
    std::size_t n = 0;
    while (n < r.kinds.size() && r.kinds[n] != S::kNone) ++n;
    return {r.kinds.data(), n};
  }
  return {};
}

std::string_view FindingDivision(std::string_view subject) {
  std::size_t slash = subject.find('/');
  if (slash == std::string_view::npos) return {};
  return subject.substr(0, slash);
}

}  // namespace fl
