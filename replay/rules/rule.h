// The misuse rules of RULES.md, one file each. A rule may judge an act
// when its event arrives (before the event changes the projections, so it
// sees the world as the act found it), and/or a state at an `as_of` date.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "replay/event.h"
#include "replay/policy.h"
#include "replay/state.h"

namespace fl::replay {

// Findings keyed by "rule|subject"; one per (rule, subject): the higher
// severity, the larger amount and the union of the evidence.
class Findings {
 public:
  void Add(Finding f);
  std::map<std::string, Finding>& all() { return all_; }

 private:
  std::map<std::string, Finding> all_;
};
void MergeFinding(Finding& into, const Finding& f);

struct Rule {
  const char* id;
  // Acts: called for every applied event before it is projected. May keep
  // the rule's own running figures in `s`; findings go to `acts`.
  void (*on_event)(const Event& e, State& s, Findings& acts);
  // States: judged over the projections at as_of.
  void (*at_as_of)(const State& s, Day as_of, Findings& out);
  // Running sums the rule owns in `s`, fed by the projector after it has
  // applied a payment (sign +1) or its reversal (sign -1) from `lot`, and
  // after it has stored a signed contract. The projector knows which
  // payments and contracts count (as_of, repeats); the rule knows what to
  // add up, so neither repeats the other's decisions.
  void (*on_payment)(State& s, const Payment& p, const Lot& lot,
                     std::int64_t sign) = nullptr;
  void (*on_contract)(State& s, const Contract& c) = nullptr;
};

const std::vector<Rule>& AllRules();

inline Finding MakeFinding(const char* rule, std::string_view subject,
                           std::string_view division, int severity,
                           std::int64_t amount,
                           std::vector<std::uint64_t> evidence) {
  Finding f;
  f.rule = rule;
  f.subject = subject;
  f.division = division;
  f.severity = severity;
  f.amount = amount;
  f.evidence = std::move(evidence);
  return f;
}

// num * 10000 > base * bp, in 128-bit so no product overflows.
inline bool OverPct(std::int64_t num, std::int64_t base, std::int64_t bp) {
  return static_cast<__int128>(num) * 10000 > static_cast<__int128>(base) * bp;
}

// R13's same-payee-same-amount groups are split into 8-day buckets so a
// payment is compared with its neighbours in time only, not with every
// equal monthly instalment the payee ever received.
inline constexpr Day kDupBucketDays = 8;
Day AmountBucket(Day paid_on);
// The buckets [first, last] holding every day within `window` (clamped to
// 0..512) of `paid_on`.
std::pair<Day, Day> AmountBucketsNear(Day paid_on, Day window);
// A payment's duplicate groups (state.h payment_groups). Its payee and contract
// must be interned in State::strings (KeepStrings). An invoice or
// milestone group may hold payments of another invoice or milestone with
// the same hash: members are compared with SameInvoice / SameMilestone.
PaymentGroups::Key InvoiceGroup(const Payment& p);
bool HasMilestoneGroup(const Payment& p);  // a contract and a milestone
PaymentGroups::Key MilestoneGroup(const Payment& p);
PaymentGroups::Key AmountGroup(const Payment& p);
bool SameInvoice(const Payment& a, const Payment& b);
bool SameMilestone(const Payment& a, const Payment& b);
// The payments naming `station`, or paid to `payee`, in seq order.
PaymentGroups::Members StationPayments(const State& s,
                                       std::string_view station);
PaymentGroups::Members PayeePayments(const State& s, std::string_view payee);
// The payments naming `station` from SWS.SETUP lots, in seq order.
PaymentGroups::Members StationSetupPayments(const State& s,
                                            std::string_view station);

// "a|b|c": the composite keys of the projection tables.
std::string JoinKey(std::initializer_list<std::string_view> parts);
// The number after the first '|' of such a key ("division|year|..."): the
// year of the keys that carry one; 0 when it is not a number.
int KeyYear(std::string_view key);

// Shared helpers for the rules.
bool IsLotteryFund(std::string_view fund);
bool IsAssistanceFund(std::string_view fund);
bool IsCountyCode(std::string_view code);  // 6 digits not ending in 00
// What open contracts funded from `lot` still have to pay from it.
std::int64_t Committed(const State& s, const Lot& lot);
std::int64_t Balance(const Lot& lot);
// Division a payment belongs to (its lot's), "" when unknown.
std::string PaymentDivision(const State& s, const Payment& p);
// Allowed service categories of a program (RULES.md table or its
// program.defined); nullopt-like empty + false when the program is unknown.
bool CategoryAllowed(const State& s, const std::string& program,
                     std::string_view category, bool* known);
std::uint64_t ParseSeq(std::string_view decimal);

}  // namespace fl::replay
