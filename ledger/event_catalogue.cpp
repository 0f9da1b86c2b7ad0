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

constexpr EventRow kRows[] = {
    {"agency.registered", {kAdmin, {}}, D::kField, "division_code"},
    {"agency.key_added", {kAdmin, {}}, D::kAgencyRow, "agency"},
    {"agency.key_revoked", {kAdmin, {}}, D::kAgencyRow, "agency"},
    {"program.defined", {kAdmin, {}}, D::kNational, {}},
    {"policy.set", {kAdmin, {}}, D::kField, "scope"},
    {"budget.appropriated", {kFinance, kCivil}, D::kField, "division_code"},
    {"allocation.issued", {kFinance, kCivil}, D::kField, "from_code"},
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
     S::kLot},
    {"cap_base.declared", {kFinance, kCivil}, D::kField, "division_code"},
    {"fiscal_year.closed", {kFinance, kCivil}, D::kField, "division_code"},
    {"station.established", {kCivil, {}}, D::kField, "division_code"},
    {"station.deregistered",
     {kCivil, {}},
     D::kSubject,
     "station_id",
     S::kStation},
    {"vendor.sanctioned", {kCivil, {}}, D::kSubmitter, {}},
    {"vendor.sanction_lifted", {kCivil, {}}, D::kSubmitter, {}},
    {"contract.signed", {kCivil, {}}, D::kField, "division_code"},
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
    {"payment.made", {kCivil, {}}, D::kSubject, "allocation_id", S::kLot},
    {"payment.reversed", {kCivil, {}}, D::kSubject, "payment_id", S::kPayment},
    {"evaluation.completed",
     {kCivil, {}},
     D::kSubject,
     "contract_id",
     S::kContract},
    {"exception.approved", {kFinance, kAuditor}, D::kExceptionRef, "ref"},
    {"flag.reviewed", {kFinance, kAuditor}, D::kSubmitter, {}},
};

constexpr bool RowsAreWellFormed() {
  for (const EventRow& r : kRows) {
    bool needs_field = r.division == D::kField || r.division == D::kAgencyRow ||
                       r.division == D::kSubject;
    if (needs_field && r.field.empty()) return false;
    if ((r.division == D::kSubject) != (r.subject != S::kNone)) return false;
    if (r.kinds[0].empty()) return false;
  }
  return true;
}
static_assert(RowsAreWellFormed(),
              "each row names its field, subject and at least one kind");

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

}  // namespace fl
