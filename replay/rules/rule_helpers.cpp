#include <algorithm>
#include <charconv>

#include "replay/money.h"
#include "replay/programs.h"
#include "replay/rules/rule.h"

namespace fl::replay {

void MergeFinding(Finding& into, const Finding& f) {
  into.severity = std::max(into.severity, f.severity);
  into.amount = std::max(into.amount, f.amount);
  into.provisional = into.provisional && f.provisional;
  if (into.division.empty()) into.division = f.division;
  into.evidence.insert(into.evidence.end(), f.evidence.begin(),
                       f.evidence.end());
  std::sort(into.evidence.begin(), into.evidence.end());
  into.evidence.erase(std::unique(into.evidence.begin(), into.evidence.end()),
                      into.evidence.end());
}

void Findings::Add(Finding f) {
  std::sort(f.evidence.begin(), f.evidence.end());
  f.evidence.erase(std::unique(f.evidence.begin(), f.evidence.end()),
                   f.evidence.end());
  std::string key = f.rule + "|" + f.subject;
  auto it = all_.find(key);
  if (it == all_.end()) {
    all_.emplace(std::move(key), std::move(f));
  } else {
    MergeFinding(it->second, f);
  }
}

std::string JoinKey(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) {
    if (!out.empty()) out += '|';
    out += p;
  }
  return out;
}

int KeyYear(std::string_view key) {
  const std::size_t bar = key.find('|');
  const std::string_view rest =
      bar == std::string_view::npos ? key : key.substr(bar + 1);
  int year = 0;
  std::from_chars(rest.data(), rest.data() + rest.size(), year);
  return year;
}

bool IsLotteryFund(std::string_view fund) {
  return fund.substr(0, 8) == "lottery.";
}
bool IsAssistanceFund(std::string_view fund) {
  return fund.substr(0, 11) == "assistance.";
}
bool IsCountyCode(std::string_view code) {
  return code.size() == 6 && code.substr(4) != "00";
}

std::int64_t Balance(const Lot& l) {
  return FenSub(
      FenSub(FenSub(FenSub(l.received, l.issued_down), l.transferred_out),
             l.recovered),
      l.paid);
}

std::int64_t Committed(const State& s, const Lot& lot) {
  std::int64_t sum = 0;
  // The projector lists each contract once per lot it draws on.
  for (const auto& id : s.lot_contracts.Get(lot.id)) {
    const Contract* c = s.contracts.Find(id);
    if (!c || c->terminated) continue;
    std::int64_t funded = 0;
    for (const auto& f : c->funding)
      if (f.lot == lot.id) funded = FenAdd(funded, f.amount);
    auto paid = c->paid_by_lot.find(lot.id);
    std::int64_t left =
        FenSub(funded, paid == c->paid_by_lot.end() ? 0 : paid->second);
    if (left > 0) sum = FenAdd(sum, left);
  }
  return sum;
}

std::string PaymentDivision(const State& s, const Payment& p) {
  const Lot* l = s.lots.Find(p.lot);
  return l ? l->division : std::string();
}

bool CategoryAllowed(const State& s, const std::string& program,
                     std::string_view category, bool* known) {
  static const std::map<std::string, std::vector<std::string>> kAllowed = [] {
    std::vector<std::string> ops = {
        "screening",         "means_test",         "training",
        "policy_outreach",   "performance_review", "care",
        "rehabilitation",    "medical_escort",     "social_integration",
        "capacity_building", "counselling",        "resource_linking"};
    return std::map<std::string, std::vector<std::string>>{
        {std::string(programs::kSwsSetup),
         {"venue_fitout", "office_equipment", "signage"}},
        {std::string(programs::kSwsOps), ops},
        {std::string(programs::kSwsSupervision), {"supervision"}},
        {std::string(programs::kSwsEvaluation), {"evaluation"}},
        {std::string(programs::kSwsTraining), {"training"}},
        {std::string(programs::kAssistPurchasedService), ops},
        {std::string(programs::kAssistBenefit), {"benefit_payment"}},
    };
  }();
  const std::vector<std::string>* list = nullptr;
  if (const Program* p = s.programs.Find(program)) {
    list = &p->allowed_categories;  // program.defined has the last word
  } else if (auto it = kAllowed.find(program); it != kAllowed.end()) {
    list = &it->second;
  }
  *known = list != nullptr;
  if (!list) return true;
  return std::find(list->begin(), list->end(), category) != list->end();
}

Day AmountBucket(Day d) {
  return d >= 0 ? d / kDupBucketDays
                : -((-d + kDupBucketDays - 1) / kDupBucketDays);
}

std::pair<Day, Day> AmountBucketsNear(Day paid_on, Day window) {
  window = std::clamp<Day>(window, 0, 512);
  return {AmountBucket(paid_on - window), AmountBucket(paid_on + window)};
}

PaymentGroups::Key InvoiceGroup(const Payment& p) {
  return PaymentGroups::Key::Invoice(p.payee, p.invoice);
}
bool HasMilestoneGroup(const Payment& p) {
  return !p.contract.empty() && !p.milestone.empty();
}
PaymentGroups::Key MilestoneGroup(const Payment& p) {
  return PaymentGroups::Key::Milestone(p.contract, p.milestone);
}
PaymentGroups::Key AmountGroup(const Payment& p) {
  return PaymentGroups::Key::Amount(p.payee, p.amount, AmountBucket(p.paid_on));
}
bool SameInvoice(const Payment& a, const Payment& b) {
  return a.payee == b.payee && a.invoice == b.invoice;
}
bool SameMilestone(const Payment& a, const Payment& b) {
  return a.contract == b.contract && a.milestone == b.milestone;
}

namespace {
// The group `key(name)` of a station or payee; none when no payment named
// it (then it was never interned in s.strings).
PaymentGroups::Members GroupNamed(const State& s, std::string_view name,
                                  PaymentGroups::Key (*key)(std::string_view)) {
  const std::string_view interned = s.strings.FindInterned(name);
  return interned.empty() ? s.payment_groups.None()
                          : s.payment_groups.Get(key(interned));
}
}  // namespace

PaymentGroups::Members StationPayments(const State& s,
                                       std::string_view station) {
  return GroupNamed(s, station, &PaymentGroups::Key::Station);
}
PaymentGroups::Members StationSetupPayments(const State& s,
                                            std::string_view station) {
  return GroupNamed(s, station, &PaymentGroups::Key::StationSetup);
}
PaymentGroups::Members PayeePayments(const State& s, std::string_view payee) {
  return GroupNamed(s, payee, &PaymentGroups::Key::Payee);
}

std::uint64_t ParseSeq(std::string_view decimal) {
  std::uint64_t v = 0;
  std::from_chars(decimal.data(), decimal.data() + decimal.size(), v);
  return v;
}

}  // namespace fl::replay
