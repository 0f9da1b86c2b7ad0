// Money sums that cannot wrap (issue 9): one amount is at most 10^15 fen,
// but ~9,224 of them pass 2^63. A wrapped total would turn an overspend
// into a surplus and hide its flag; the projections saturate instead.
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>

#include "replay/money.h"
#include "rule_world.h"

using fl::Json;
using fl::test::RuleWorld;

namespace {

constexpr std::int64_t kMaxAmount = 1'000'000'000'000'000;  // EVENTS.md
constexpr int kEvents = 10'000;
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

// Appends `n` events made by `data(i)` in batches of 1000.
void AppendMany(RuleWorld& w, const std::string& type,
                const std::string& agency, int n,
                const std::function<Json(int)>& data) {
  std::vector<Json> batch;
  for (int i = 0; i < n; ++i) {
    batch.push_back(w.world().Envelope(type + "-" + std::to_string(i), type,
                                       agency, data(i),
                                       "2024-06-01T09:00:00Z"));
    if (batch.size() == 1000 || i + 1 == n) {
      fl::UnitResult r = w.world().AppendBatch(batch);
      INFO((r.ok() ? "" : r.errors.front().error.detail));
      REQUIRE(r.ok());
      batch.clear();
    }
  }
}

}  // namespace

TEST_CASE("saturating fen arithmetic keeps order at the int64 bounds",
          "[money]") {
  using namespace fl::replay;
  CHECK(FenAdd(kInt64Max - 5, 10) == kInt64Max);
  CHECK(FenAdd(kInt64Min + 5, -10) == kInt64Min);
  CHECK(FenSub(kInt64Min + 5, 10) == kInt64Min);
  CHECK(FenSub(5, kInt64Min) == kInt64Max);
  CHECK(FenNeg(kInt64Min) == kInt64Max);
  CHECK(FenClamp(static_cast<__int128>(kInt64Max) * 3) == kInt64Max);
  CHECK(FenAdd(kMaxAmount, kMaxAmount) == 2 * kMaxAmount);
}

TEST_CASE("10,000 maximum-size payments on one lot still flag the overspend",
          "[money][rules]") {
  RuleWorld w;
  w.Budget("L-big", "lottery.provincial", "SWS.OPS", "530000", kMaxAmount,
           "2024-01-10");
  // Distinct payees and invoices, so only the overspend is at stake.
  AppendMany(w, "payment.made", "mz-530000", kEvents, [](int i) {
    std::string n = std::to_string(1'000'000 + i);
    return Json{{"payment_id", "P-" + n},
                {"allocation_id", "L-big"},
                {"payee_uscc", fl::test::MakeUscc("91530000MA" + n)},
                {"amount_fen", kMaxAmount},
                {"paid_on", "2024-06-01"},
                {"economic_class", "commissioned_services"},
                {"service_category", "care"},
                {"purpose", "elderly"},
                {"invoice_no", "inv-" + n}};
  });
  // Paid is 10^19 fen: past 2^63. Wrapped, the lot would show a surplus
  // of ~8.4 * 10^18 fen and no R11 flag.
  Json flag = w.FlagOf("R11", "L-big");
  REQUIRE(flag.is_object());
  CHECK(flag["severity"] == "critical");
  // Paid stops at the bound, so the overdraft shown is the bound less the
  // lot's 10^15 fen: still the largest figure the API can carry.
  CHECK(flag["amount_fen"] == kInt64Max - kMaxAmount);
  auto lot = w.projections().LotById("L-big", "000000");
  REQUIRE(lot.ok());
  INFO(lot->dump());
  CHECK((*lot)["paid"] == kInt64Max);
  CHECK((*lot)["balance"].get<std::int64_t>() < 0);
}

TEST_CASE("large negative amendments cannot wrap a contract's value",
          "[money][rules]") {
  RuleWorld w;
  w.Budget("L-c", "lottery.provincial", "SWS.OPS", "530000", kMaxAmount,
           "2024-01-10");
  w.Contract("C-1", "530000", "SWS.OPS", "L-c", kMaxAmount, "2024-02-01",
             "2024-12-31");
  w.Pay("P-1", "L-c", 100, "2024-03-01", {{"contract_id", "C-1"}});
  AppendMany(w, "contract.amended", "mz-530000", kEvents, [](int) {
    return Json{{"contract_id", "C-1"},
                {"value_delta_fen", -kMaxAmount},
                {"rationale", "scope cut"}};
  });
  // Value is 10^15 - 10^19: below -2^63. Wrapped, it would be a large
  // positive value and the payment of 100 fen would look covered.
  Json flag = w.FlagOf("R11", "C-1");
  REQUIRE(flag.is_object());
  CHECK(flag["severity"] == "critical");
  CHECK(flag["amount_fen"] == kInt64Max);
  auto contract = w.projections().ContractById("C-1", "000000");
  REQUIRE(contract.ok());
  INFO(contract->dump());
  CHECK((*contract)["value_fen"] == kInt64Min);
  CHECK((*contract)["remaining"] == kInt64Min);
}
