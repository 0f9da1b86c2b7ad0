#include "random_world.h"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "replay/date.h"
#include "replay/flags.h"

namespace fl::test {
namespace {

const char* kFunds[] = {"lottery.central",
                        "lottery.provincial",
                        "assistance.hardship_subsidy",
                        "assistance.work_funds",
                        "civil_affairs_special",
                        "general_budget"};
const char* kPrograms[] = {"SWS.SETUP", "SWS.OPS", "SWS.SUPERVISION",
                           "ASSIST.BENEFIT", "ASSIST.PURCHASED_SERVICE"};
const char* kCategories[] = {"care",           "office_equipment", "screening",
                             "supervision",    "benefit_payment",  "study_tour",
                             "admin.approval", "training"};
const char* kPurposes[] = {"elderly",  "elderly",  "disabled",
                           "children", "hardship", "staff_trip"};
const char* kClasses[] = {"commissioned_services", "commissioned_services",
                          "goods", "staff_salary", "official_reception"};
const char* kMethods[] = {"open", "selective", "limited", "direct"};
const char* kCounties[] = {"530102", "530302", "530402", "532621", "530100"};

class Gen {
 public:
  Gen(World& w, std::uint32_t seed, bool dates_in_order)
      : w_(w),
        rng_(seed),
        in_order_(dates_in_order),
        tag_(std::string("s").append(std::to_string(seed)) + "-") {
    payees_ = {RuleWorld::kProvider, RuleWorld::kProvider2,
               MakeUscc("11530102MB0000003"), MakeUscc("52530900MJ0000004")};
  }

  void Run(int events, int batch) {
    std::vector<Json> pending;
    // Scopes first so every later event has lots to use.
    for (int i = 0; i < 5; ++i) pending.push_back(Budget());
    while (static_cast<int>(pending.size()) < events) {
      pending.push_back(Next());
      if (static_cast<int>(pending.size()) % batch == 0) {
        Flush(pending, batch);
      }
    }
    Flush(pending, batch);
  }

 private:
  std::size_t flushed_ = 0;
  void Flush(const std::vector<Json>& all, int) {
    std::vector<Json> unit(all.begin() + static_cast<long>(flushed_),
                           all.end());
    flushed_ = all.size();
    if (unit.empty()) return;
    UnitResult r = w_.AppendBatch(unit);
    if (!r.ok()) {
      const auto& e = r.errors.front();
      INFO("random event refused: " << e.error.reason << " " << e.error.detail
                                    << " " << e.error.field << " in "
                                    << unit[e.index].dump());
      REQUIRE(r.ok());
    }
  }

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  template <class T, std::size_t N>
  const T& Any(const T (&a)[N]) {
    return a[Pick(static_cast<int>(N))];
  }
  template <class T>
  const T& Any(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(Pick(static_cast<int>(v.size())))];
  }
  std::int64_t Amount(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  std::string Date() {
    if (in_order_) {
      // Days after the 28th become the 28th: still in order, and a year
      // added to a date (a contract's end) stays a real date.
      std::string d = replay::FormatDay(replay::DayOf(2023, 1, 1) + n_ / 5);
      if (d.compare(8, 2, "28") > 0) d.replace(8, 2, "28");
      return d;
    }
    // 2023-01-01 .. 2025-06-30, as day offsets.
    int y = 2023 + Pick(3), m = 1 + Pick(12), d = 1 + Pick(28);
    if (y == 2025 && m > 6) m -= 6;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
  }
  Json Env(const std::string& type, const std::string& agency, Json data,
           const std::string& date) {
    return w_.Envelope(tag_ + std::to_string(++n_), type, agency, data,
                       date + "T09:00:00Z");
  }

  Json Budget() {
    std::string id = tag_ + "L" + std::to_string(lots_.size());
    lots_.push_back(id);
    return Env("budget.appropriated", "cz-530000",
               {{"allocation_id", id},
                {"fiscal_year", 2023 + Pick(2)},
                {"fund", Any(kFunds)},
                {"division_code", Any(kCounties)},
                {"program", Any(kPrograms)},
                {"amount_fen", Amount(1'000'000, 300'000'000)},
                {"doc_no", "b-" + id}},
               Date());
  }

  Json Next() {
    int r = Pick(100);
    if (r < 6) return Budget();
    if (r < 12) {  // issue down (maybe pass-through) and receive later
      std::string id = tag_ + "L" + std::to_string(lots_.size());
      lots_.push_back(id);
      issued_.push_back(id);
      Json d = {{"allocation_id", id},
                {"from_code", "530000"},
                {"to_code", Any(kCounties)},
                {"fund", Any(kFunds)},
                {"program", Any(kPrograms)},
                {"fiscal_year", 2024},
                {"amount_fen", Amount(100'000, 50'000'000)},
                {"pass_through", Pick(2) == 0},
                {"doc_no", "i-" + id}};
      if (Pick(2) == 0) {
        const std::string& parent = Any(lots_);
        if (parent != id) d["parent_allocation_id"] = parent;
      }
      if (!stations_.empty() && Pick(4) == 0) {
        d["targets"] = {Any(stations_)};
        d["min_per_target_fen"] = 2'000'000;
        d["deadline"] = Date();
      }
      return Env("allocation.issued", "cz-530000", d, Date());
    }
    if (r < 18 && !issued_.empty()) {
      std::string day = Date();
      return Env("allocation.received", "cz-530000",
                 {{"allocation_id", Any(issued_)},
                  {"received_on", day},
                  {"amount_fen", Amount(100'000, 50'000'000)}},
                 day);
    }
    if (r < 22) {
      std::string id = tag_ + "st" + std::to_string(stations_.size());
      stations_.push_back(id);
      std::string day = Date();
      return Env("station.established", "mz-530000",
                 {{"station_id", id},
                  {"name", id},
                  {"division_code", "530102101"},
                  {"date", day}},
                 day);
    }
    if (r < 30) {  // contract
      std::string id = tag_ + "C" + std::to_string(contracts_.size());
      contracts_.push_back(id);
      std::int64_t a = Amount(100'000, 90'000'000), b = Amount(1, 10'000'000);
      std::string start = Date();
      std::string end = start;
      end[3] = static_cast<char>(end[3] + Pick(2));  // +0/1 year
      if (end < start) end = start;
      Json st = Json::array();
      if (!stations_.empty() && Pick(2) == 0) st.push_back(Any(stations_));
      return Env("contract.signed", "mz-530000",
                 {{"contract_id", id},
                  {"division_code", Any(kCounties)},
                  {"program", Any(kPrograms)},
                  {"supplier_uscc", Any(payees_)},
                  {"procurement_method", Any(kMethods)},
                  {"value_fen", a + b},
                  {"period", {{"start", start}, {"end", end}}},
                  {"stations", st},
                  {"items",
                   {{{"category", Any(kCategories)}, {"amount_fen", a}},
                    {{"category", Any(kCategories)}, {"amount_fen", b}}}},
                  {"funding",
                   {{{"allocation_id", Any(lots_)}, {"amount_fen", a + b}}}}},
                 start);
    }
    if (r < 70) {  // payment
      std::string id = tag_ + "P" + std::to_string(payments_.size());
      payments_.push_back(id);
      std::string day = Date();
      Json d = {{"payment_id", id},
                {"allocation_id", Any(lots_)},
                {"payee_uscc", Any(payees_)},
                {"amount_fen", Amount(1, 3) * 100'000},
                {"paid_on", day},
                {"economic_class", Any(kClasses)},
                {"service_category", Any(kCategories)},
                {"purpose", Any(kPurposes)},
                {"invoice_no", "inv" + std::to_string(Pick(400))}};
      if (!contracts_.empty() && Pick(3) != 0) {
        d["contract_id"] = Any(contracts_);
        if (Pick(2) == 0) d["milestone_id"] = "m" + std::to_string(Pick(6));
      }
      if (!stations_.empty() && Pick(2) == 0) d["station_id"] = Any(stations_);
      return Env("payment.made", "mz-530000", d, day);
    }
    if (r < 74 && !payments_.empty()) {
      return Env("payment.reversed", "mz-530000",
                 {{"payment_id", Any(payments_)}, {"reason", "error"}}, Date());
    }
    if (r < 78 && !contracts_.empty()) {
      Json d = {{"contract_id", Any(contracts_)}, {"rationale", "change"}};
      if (Pick(2) == 0)
        d["value_delta_fen"] = Amount(1, 2'000'000) * (Pick(2) ? 1 : -1);
      if (Pick(3) == 0) d["period_end"] = Date();
      return Env("contract.amended", "mz-530000", d, Date());
    }
    if (r < 82 && !contracts_.empty()) {
      std::string day = Date();
      return Env("milestone.accepted", "mz-530000",
                 {{"contract_id", Any(contracts_)},
                  {"milestone_id", "m" + std::to_string(Pick(6))},
                  {"accepted_on", day}},
                 day);
    }
    if (r < 84) {
      std::string from = Date(), to = Date();
      if (to < from) std::swap(from, to);
      return Env("vendor.sanctioned", "mz-530000",
                 {{"uscc", Any(payees_)},
                  {"list", "local_blacklist"},
                  {"from", from},
                  {"to", to},
                  {"doc_no", "s"}},
                 from);
    }
    if (r < 86) {
      std::string id = tag_ + "L" + std::to_string(lots_.size());
      std::string from = Any(lots_);
      lots_.push_back(id);
      Json d = {{"allocation_id", from},
                {"new_allocation_id", id},
                {"to_fund", Any(kFunds)},
                {"to_program", Any(kPrograms)},
                {"amount_fen", Amount(1, 1'000'000)}};
      if (Pick(2) == 0) d["approval_doc"] = "ok";
      return Env("funds.transferred", "cz-530000", d, Date());
    }
    if (r < 88) {
      return Env("funds.recovered", "cz-530000",
                 {{"allocation_id", Any(lots_)},
                  {"amount_fen", Amount(1, 1'000'000)},
                  {"reason", "audit"}},
                 Date());
    }
    if (r < 90) {
      return Env("cap_base.declared", "cz-530000",
                 {{"kind", Pick(2) ? "assistance_pooled_total"
                                   : "hardship_subsidy_total_expenditure"},
                  {"division_code", Any(kCounties)},
                  {"fiscal_year", 2023 + Pick(2)},
                  {"amount_fen", Amount(1'000'000, 900'000'000)},
                  {"doc_no", "c"}},
                 Date());
    }
    if (r < 91) {
      return Env(
          "fiscal_year.closed", "cz-530000",
          {{"division_code", Any(kCounties)}, {"fiscal_year", 2023 + Pick(2)}},
          Date());
    }
    if (r < 92) {
      const char* rules[] = {"R02", "R03", "R09", "R13", "R16"};
      const char* names[] = {"N", "T", "threshold", "window", "min"};
      int k = Pick(5);
      return Env(
          "policy.set", "admin",
          {{"rule", rules[k]},
           {"scope", Any(kCounties)},
           {"params", {{names[k], Amount(1, 400) * (k == 2 ? 1'000'000 : 1)}}},
           {"effective_from", Date()}},
          Date());
    }
    if (r < 94 && !payments_.empty()) {
      const char* rules[] = {"R04", "R05", "R13", "R15"};
      return Env(
          "exception.approved", "sj-530000",
          {{"rule", Any(rules)}, {"ref", Any(payments_)}, {"doc_no", "e"}},
          Date());
    }
    if (r < 96 && !payments_.empty()) {
      const char* rules[] = {"R04", "R05", "R13", "R15", "R18"};
      const char* statuses[] = {"confirmed", "dismissed", "remediated"};
      std::string subject = Any(payments_), rule = Any(rules);
      return Env("flag.reviewed", "sj-530000",
                 {{"flag_id", fl::FlagId(rule, subject)},
                  {"rule", rule},
                  {"subject", subject},
                  {"status", Any(statuses)},
                  {"note", "n"}},
                 Date());
    }
    if (r < 97 && !stations_.empty()) {
      return Env("station.deregistered", "mz-530000",
                 {{"station_id", Any(stations_)}, {"date", Date()}}, Date());
    }
    return Budget();
  }

  World& w_;
  std::mt19937 rng_;
  bool in_order_;
  std::string tag_;  // keeps ids of two streams in one ledger apart
  int n_ = 0;
  std::vector<std::string> lots_, issued_, stations_, contracts_, payments_,
      payees_;
};

}  // namespace

void AppendRandomWorld(World& w, std::uint32_t seed, int events, int batch,
                       bool dates_in_order) {
  Gen(w, seed, dates_in_order).Run(events, batch);
}

}  // namespace fl::test
