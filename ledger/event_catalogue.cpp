#include "ledger/event_catalogue.h"

#include <algorithm>
#include <cstddef>

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

// ---- Records inside `data` -------------------------------------------------

using enum Kind;

constexpr Record kPeriod{
    {{"start", kDate}, Checked({"end", kDate}, PeriodEndNotBeforeStart)}};
constexpr Record kItem{{{"category", kWord}, {"amount_fen", kAmount}}};
constexpr Record kFunding{{{"allocation_id", kId}, {"amount_fen", kAmount}}};

// ---- The rows --------------------------------------------------------------

// EVENTS.md, in its order. The deliberate gaps in write scope (amended
// 2026-12) show here as what is *not* a reference: `allocation.issued`'s
// `to_code` (money goes down or across), payee and supplier USCCs, vendor
// events, and a provider's milestones (checked against its USCC instead).
constexpr EventRow kRows[] = {
    // Identity and policy.
    {"agency.registered",
     {{{"agency", kId},
       {"name", kText},
       Enum("kind", kAgencyKinds),
       {"division_code", kDivision},
       {"public_key", kPublicKey},
       Optional({"uscc", kUscc})}},
     {kAdmin, {}},
     D::kField,
     "division_code",
     S::kNone,
     {},
     {},
     I::kRegisterAgency},
    {"agency.key_added",
     {{{"agency", kId}, {"public_key", kPublicKey}}},
     {kAdmin, {}},
     D::kAgencyRow,
     "agency",
     S::kNone,
     {},
     {},
     I::kAddKey},
    {"agency.key_revoked",
     {{{"agency", kId}, {"key_id", kHex16}, {"reason", kText}}},
     {kAdmin, {}},
     D::kAgencyRow,
     "agency",
     S::kNone,
     {},
     {},
     I::kRevokeKey},
    {"program.defined",
     {{{"program", kProgram},
       {"name", kText},
       {"purposes", kWordList},
       {"allowed_categories", kWordList}}},
     {kAdmin, {}},
     D::kNational,
     {}},
    {"policy.set",
     {{Enum("rule", kRules),
       {"scope", kDivision},
       {"params", kObject},
       {"effective_from", kDate}}},
     {kAdmin, {}},
     D::kField,
     "scope"},
    // Money in and down.
    {"budget.appropriated",
     {{{"allocation_id", kId},
       {"fiscal_year", kYear},
       Enum("fund", kFunds),
       {"division_code", kDivision},
       {"program", kProgram},
       {"amount_fen", kAmount},
       {"doc_no", kText}}},
     {kFinance, kCivil},
     D::kField,
     "division_code",
     S::kNone,
     {},
     {"allocation_id", S::kLot, "division_code", {}}},
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
       {"doc_no", kText}}},
     {kFinance, kCivil},
     D::kField,
     "from_code",
     S::kNone,
     {{{"parent_allocation_id", S::kLot}, {"targets/*", S::kStation}}},
     {"allocation_id", S::kLot, "to_code", {}}},
    // The lot's division is its `to_code`: the receiver acknowledges money
    // sent to it.
    {"allocation.received",
     {{{"allocation_id", kId},
       {"received_on", kDate},
       {"amount_fen", kAmount}}},
     {kFinance, kCivil},
     D::kSubject,
     "allocation_id",
     S::kLot},
    {"funds.recovered",
     {{{"allocation_id", kId},
       {"amount_fen", kAmount},
       Enum("reason", kRecoveryReasons)}},
     {kFinance, kCivil},
     D::kSubject,
     "allocation_id",
     S::kLot},
    {"funds.transferred",
     {{{"allocation_id", kId},
       {"new_allocation_id", kId},
       Enum("to_fund", kFunds),
       {"to_program", kProgram},
       {"amount_fen", kAmount},
       Optional({"approval_doc", kText})}},
     {kFinance, kCivil},
     D::kSubject,
     "allocation_id",
     S::kLot,
     {},
     {"new_allocation_id", S::kLot, {}, {}}},
    {"cap_base.declared",
     {{Enum("kind", kCapBaseKinds),
       {"division_code", kDivision},
       {"fiscal_year", kYear},
       {"amount_fen", kAmount},
       {"doc_no", kText}}},
     {kFinance, kCivil},
     D::kField,
     "division_code"},
    {"fiscal_year.closed",
     {{{"division_code", kDivision}, {"fiscal_year", kYear}}},
     {kFinance, kCivil},
     D::kField,
     "division_code"},
    // Stations, vendors, contracts, payments.
    {"station.established",
     {{{"station_id", kId},
       {"name", kText},
       {"division_code", kDivision},
       {"date", kDate}}},
     {kCivil, {}},
     D::kField,
     "division_code",
     S::kNone,
     {},
     {"station_id", S::kStation, "division_code", {}}},
    {"station.deregistered",
     {{{"station_id", kId}, {"date", kDate}}},
     {kCivil, {}},
     D::kSubject,
     "station_id",
     S::kStation},
    {"vendor.sanctioned",
     {{{"uscc", kUscc},
       {"list", kText},
       {"from", kDate},
       Checked({"to", kDate}, SanctionToNotBeforeFrom),
       {"doc_no", kText}}},
     {kCivil, {}},
     D::kSubmitter,
     {}},
    {"vendor.sanction_lifted",
     {{{"uscc", kUscc}, {"list", kText}, {"date", kDate}, {"doc_no", kText}}},
     {kCivil, {}},
     D::kSubmitter,
     {}},
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
       RecList("funding", kFunding)}},
     {kCivil, {}},
     D::kField,
     "division_code",
     S::kNone,
     {{{"funding/*/allocation_id", S::kLot}, {"stations/*", S::kStation}}},
     {"contract_id", S::kContract, "division_code", "supplier_uscc"}},
    {"contract.amended",
     {{{"contract_id", kId},
       Optional({"value_delta_fen", kDelta}),
       Optional({"period_end", kDate}),
       {"rationale", kText}}},
     {kCivil, {}},
     D::kSubject,
     "contract_id",
     S::kContract},
    {"contract.terminated",
     {{{"contract_id", kId}, {"date", kDate}, {"reason", kText}}},
     {kCivil, {}},
     D::kSubject,
     "contract_id",
     S::kContract},
    {"milestone.accepted",
     {{{"contract_id", kId}, {"milestone_id", kId}, {"accepted_on", kDate}}},
     {kCivil, kProvider},
     D::kSubject,
     "contract_id",
     S::kContract},
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
       Optional({"station_id", kId})}},
     {kCivil, {}},
     D::kSubject,
     "allocation_id",
     S::kLot,
     {{{"contract_id", S::kContract}, {"station_id", S::kStation}}},
     {"payment_id", S::kPayment, {}, {}}},
    {"payment.reversed",
     {{{"payment_id", kId}, {"reason", kText}}},
     {kCivil, {}},
     D::kSubject,
     "payment_id",
     S::kPayment},
    {"evaluation.completed",
     {{{"contract_id", kId}, {"date", kDate}, {"result", kText}}},
     {kCivil, {}},
     D::kSubject,
     "contract_id",
     S::kContract},
    // Review. A finding about something the ledger does not hold (a vendor)
    // belongs to the submitter; a flag's subject always exists.
    {"exception.approved",
     {{Enum("rule", kRules), {"ref", kRef}, {"doc_no", kText}}},
     {kFinance, kAuditor},
     D::kFindingOrSubmitter,
     "ref"},
    {"flag.reviewed",
     {{{"flag_id", kHex16},
       Enum("rule", kRules),
       Checked({"subject", kRef}, FlagIdMatchesRuleAndSubject),
       Enum("status", kFlagStatuses),
       {"note", kText}}},
     {kFinance, kAuditor},
     D::kSubject,
     "subject",
     S::kFinding},
};

// A field table the checker can walk: at least one field, none after an
// unused slot, names unique, enums with values, records where a record is
// expected (and nowhere else).
constexpr bool RecordIsWellFormed(const Record& rec) {
  std::span<const Field> fields = rec.fields();
  if (fields.empty()) return false;
  for (std::size_t i = fields.size(); i < kMaxRecordFields; ++i) {
    if (!rec.slots[i].name.empty()) return false;
  }
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const Field& f = fields[i];
    for (std::size_t j = 0; j < i; ++j) {
      if (fields[j].name == f.name) return false;
    }
    if ((f.kind == kEnum) == f.values.empty()) return false;
    bool is_record = f.kind == kRecord || f.kind == kRecordList;
    if (is_record != (f.record != nullptr)) return false;
    if (is_record && !RecordIsWellFormed(*f.record)) return false;
    if (f.kind == kEventType || f.kind == kEventData) return false;
  }
  return true;
}

constexpr bool RowsAreWellFormed() {
  for (const EventRow& r : kRows) {
    if (!RecordIsWellFormed(r.data)) return false;
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
              "each row has a data table and names its fields, subjects and "
              "at least one kind");

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
