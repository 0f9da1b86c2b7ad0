#include "replay/payment_groups.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "replay/state.h"
#include "replay/string_pool.h"

namespace fl::replay {
namespace {

using Key = PaymentGroups::Key;

std::vector<const Payment*> Members(const PaymentGroups& g, const Key& k) {
  std::vector<const Payment*> out;
  for (const Payment& p : g.Get(k)) out.push_back(&p);
  return out;
}

TEST_CASE("PaymentGroups keeps each group's payments in order", "[replay]") {
  StringPool pool;
  const std::string_view payee = pool.Intern("91530100MA6K000001");
  const std::string_view other = pool.Intern("91530100MA6K000002");
  std::deque<Payment> rows(5);
  PaymentGroups g;
  g.Add(Key::Invoice(payee, "INV-1"), &rows[0]);
  g.Add(Key::Invoice(payee, "INV-1"), &rows[1]);
  g.Add(Key::Invoice(payee, "INV-2"), &rows[2]);
  g.Add(Key::Invoice(payee, "INV-1"), &rows[3]);
  g.Add(Key::Amount(payee, 5000, 7), &rows[4]);
  CHECK(g.size() == 3);  // keys
  CHECK(Members(g, Key::Invoice(payee, "INV-1")) ==
        std::vector<const Payment*>{&rows[0], &rows[1], &rows[3]});
  CHECK(Members(g, Key::Invoice(payee, "INV-2")) ==
        std::vector<const Payment*>{&rows[2]});
  // Each field of a key counts: another payee, kind, amount or bucket is
  // another group.
  CHECK(g.Get(Key::Invoice(other, "INV-1")).empty());
  CHECK(g.Get(Key::Milestone(payee, "INV-1")).empty());
  CHECK(g.Get(Key::Amount(payee, 5000, 8)).empty());
  CHECK(g.Get(Key::Amount(payee, 5001, 7)).empty());
  CHECK(g.Get(Key::Amount(other, 5000, 7)).empty());
  CHECK(g.Get(Key::Payee(payee)).empty());
  g.Add(Key::Payee(payee), &rows[2]);
  g.Add(Key::Station(payee), &rows[3]);
  CHECK(Members(g, Key::Payee(payee)) == std::vector<const Payment*>{&rows[2]});
  CHECK(Members(g, Key::Station(payee)) ==
        std::vector<const Payment*>{&rows[3]});
  CHECK(g.Get(Key::StationSetup(payee)).empty());
  g.Add(Key::StationSetup(payee), &rows[1]);
  CHECK(Members(g, Key::StationSetup(payee)) ==
        std::vector<const Payment*>{&rows[1]});
  CHECK(Members(g, Key::Station(payee)) ==
        std::vector<const Payment*>{&rows[3]});
  CHECK(g.None().empty());
  CHECK(Members(g, Key::Amount(payee, 5000, 7)) ==
        std::vector<const Payment*>{&rows[4]});
  // The payee is compared by address: the pool hands out one per string.
  CHECK(Members(
            g, Key::Invoice(pool.Intern(std::string("91530100MA6K") + "000001"),
                            "INV-2")) == std::vector<const Payment*>{&rows[2]});
}

TEST_CASE("PaymentGroups finds every group as its table grows", "[replay]") {
  StringPool pool;
  std::vector<std::string_view> payees;
  for (int i = 0; i < 500; ++i)
    payees.push_back(pool.Intern("payee" + std::to_string(i)));
  const int n = 200000;
  std::deque<Payment> rows(n);
  PaymentGroups g;
  std::map<int, std::vector<const Payment*>> want;  // by group number
  auto key = [&](int group) {
    return Key::Amount(payees[static_cast<std::size_t>(group % 500)],
                       group / 500, group % 3);
  };
  for (int i = 0; i < n; ++i) {
    // Every third payment joins an earlier group; the others start one.
    const int group = i % 3 == 0 ? i / 3 : i;
    g.Add(key(group), &rows[static_cast<std::size_t>(i)]);
    want[group].push_back(&rows[static_cast<std::size_t>(i)]);
  }
  CHECK(g.size() == want.size());
  for (const auto& [group, members] : want) {
    INFO(group);
    REQUIRE(Members(g, key(group)) == members);
  }
  CHECK(g.Get(key(n + 1)).empty());
}

}  // namespace
}  // namespace fl::replay
