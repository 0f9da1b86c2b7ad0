// The day histories' stored form (replay/day_history.h): each day written
// as a change from the day before comes back as the same flags (or balance
// rows), sharing the same copies; a day that does not fit the one before
// is refused.
// replay_test.cpp checks the history through a whole store and restart.
#include "replay/day_history.h"

#include <catch2/catch.hpp>
#include <string>
#include <type_traits>
#include <vector>

#include "replay/row_codec.h"

namespace fl::replay {
namespace {

Flag MakeFlag(const std::string& id, const std::string& status = "open",
              std::int64_t amount = 100) {
  Flag f;
  f.flag_id = id;
  f.status = status;
  f.finding.rule = "R" + id.substr(0, 2);
  f.finding.subject = "subject-" + id;
  f.finding.division = "530102";
  f.finding.amount = amount;
  f.finding.evidence = {1, 5, 9};
  return f;
}

// Writes every change of `from` through the row codec into `to`, as the
// store does (Commit, then Load), and returns how many days went.
template <class History>
std::size_t CopyThroughStore(History& from, History& to) {
  auto changes = from.TakeChanges();
  StringPool pool;
  for (const auto& [day, stored] : changes.days) {
    std::decay_t<decltype(stored)> back;
    REQUIRE(DecodeRow(EncodeRow(stored), pool, back));
    REQUIRE(back == stored);
    REQUIRE(to.Restore(day, back));
  }
  return changes.days.size();
}

template <class History>
void CheckSameDays(const History& a, const History& b, Day first, Day last) {
  for (Day d = first; d <= last; ++d) {
    INFO("day " << d);
    auto x = a.At(d), y = b.At(d);
    REQUIRE(static_cast<bool>(x) == static_cast<bool>(y));
    if (x) CHECK(*x == *y);
  }
}

}  // namespace

TEST_CASE("a stored flag history comes back day by day", "[replay][history]") {
  FlagHistory h;
  const Day d0 = 20000;
  h.Record(d0, 10, {MakeFlag("a1"), MakeFlag("b2")});
  h.Record(d0 + 1, 20, {MakeFlag("a1"), MakeFlag("b2")});  // unchanged
  // One gone, one changed (a review), one new before and one after.
  h.Record(d0 + 2, 30,
           {MakeFlag("0z"), MakeFlag("a1", "confirmed"), MakeFlag("c3")});
  h.Record(d0 + 4, 40, {});  // a gap, then no flags at all
  h.Record(d0 + 5, 50, {MakeFlag("b2", "open", 7)});

  // The days that did not change are stored as almost nothing.
  auto probe = h.TakeChanges();
  REQUIRE(probe.days.size() == 5);
  CHECK_FALSE(probe.erase_from);
  CHECK(probe.days[1].second.dropped.empty());
  CHECK(probe.days[1].second.added.empty());
  CHECK(probe.days[2].second.dropped == std::vector<std::uint64_t>{0, 1});
  CHECK(probe.days[2].second.added.size() == 3);
  // Taken: nothing more to write until something changes.
  CHECK(h.TakeChanges().days.empty());

  FlagHistory back;
  StringPool pool;
  for (const auto& [day, stored] : probe.days) {
    StoredFlagDay decoded;
    REQUIRE(DecodeRow(EncodeRow(stored), pool, decoded));
    REQUIRE(back.Restore(day, decoded));
  }
  CheckSameDays(h, back, d0 - 1, d0 + 6);
  CHECK(back.stats().days == h.stats().days);
  CHECK(back.stats().row_copies == h.stats().row_copies);
  CHECK(h.stats().row_copies == 6);  // a1, b2, 0z, a1', c3, b2'

  SECTION("a dropped run of days is erased from the store, then rewritten") {
    h.DropFrom(d0 + 2);
    h.Record(d0 + 6, 60, {MakeFlag("a1"), MakeFlag("d4")});
    auto changes = h.TakeChanges();
    REQUIRE(changes.erase_from);
    CHECK(*changes.erase_from == d0 + 2);
    REQUIRE(changes.days.size() == 1);
    CHECK(changes.days[0].first == d0 + 6);
    // As the store applies them: the erased days go, the new one is
    // written against the nearest earlier day still held (d0 + 1).
    FlagHistory again;
    for (const auto& [day, stored] : probe.days)
      if (day < *changes.erase_from) REQUIRE(again.Restore(day, stored));
    REQUIRE(again.Restore(changes.days[0].first, changes.days[0].second));
    CheckSameDays(h, again, d0 - 1, d0 + 7);
    CHECK(changes.days[0].second.added.size() == 1);  // d4; a1 is kept
  }

  SECTION("after a copy, later days follow") {
    FlagHistory copy;
    CHECK(CopyThroughStore(back, copy) == 0);  // Restore is not a change
    h.Record(d0 + 7, 70, {MakeFlag("b2", "open", 7), MakeFlag("e5")});
    FlagHistory replaced;
    replaced.Replace(std::move(back));
    CHECK(CopyThroughStore(h, replaced) == 1);
    CheckSameDays(h, replaced, d0 - 1, d0 + 8);
  }
}

TEST_CASE("a stored flag day that does not fit the day before is refused",
          "[replay][history]") {
  FlagHistory h;
  const Day d0 = 20000;
  StoredFlagDay first;
  first.seq = 5;
  first.added = {MakeFlag("a1"), MakeFlag("b2")};
  REQUIRE(h.Restore(d0, first));

  StoredFlagDay bad;
  bad.seq = 6;
  CHECK_FALSE(h.Restore(d0, bad));      // the same day again
  CHECK_FALSE(h.Restore(d0 - 1, bad));  // an earlier day
  bad.dropped = {2};                    // past the day before's two flags
  CHECK_FALSE(h.Restore(d0 + 1, bad));
  bad.dropped = {1, 0};  // not ascending
  CHECK_FALSE(h.Restore(d0 + 1, bad));
  bad.dropped = {};
  bad.added = {MakeFlag("b2")};  // already held: the flag twice
  CHECK_FALSE(h.Restore(d0 + 1, bad));
  bad.added = {MakeFlag("c3"), MakeFlag("0a")};  // out of order
  CHECK_FALSE(h.Restore(d0 + 1, bad));
  // Nothing was added by the refusals.
  CHECK(h.stats().days == 1);
  CHECK(h.At(d0 + 1) == nullptr);

  StoredFlagDay good;
  good.seq = 7;
  good.dropped = {0};
  good.added = {MakeFlag("0a"), MakeFlag("c3")};
  REQUIRE(h.Restore(d0 + 1, good));
  auto day = h.At(d0 + 1);
  REQUIRE(day);
  REQUIRE(day->size() == 3);
  CHECK((*day)[0].flag_id == "0a");
  CHECK((*day)[1].flag_id == "b2");
  CHECK((*day)[2].flag_id == "c3");
}

// The balance rows use the same days: an account whose figures moved is
// a new row, the others are shared with the day before, and the stored
// days (codec included) give back the same rows.
TEST_CASE("a stored balance history comes back day by day",
          "[replay][history]") {
  auto row = [](const std::string& division, int year, std::int64_t paid) {
    BalanceRow r;
    r.division = division;
    r.fund = "lottery";
    r.program = "elderly";
    r.fiscal_year = year;
    r.totals.received = 1'000'000;
    r.totals.paid = paid;
    r.totals.committed = 250'000;
    return r;
  };
  // Two histories of the same days: one to look at its changes, one to
  // copy through the store.
  BalanceHistory h, same;
  const Day d0 = 20000;
  auto record = [&](Day day, std::uint64_t seq, std::vector<BalanceRow> rows) {
    same.Record(day, seq, rows);
    h.Record(day, seq, std::move(rows));
  };
  record(d0, 10, {row("530102", 2024, 0), row("530103", 2024, 5)});
  record(d0 + 1, 20, {row("530102", 2024, 300), row("530103", 2024, 5)});
  record(d0 + 2, 30,
         {row("530102", 2024, 300), row("530102", 2025, 1),
          row("530103", 2024, 5)});
  // 530103's row is one copy on all three days.
  CHECK(h.stats().row_copies == 4);

  auto changes = h.TakeChanges();
  REQUIRE(changes.days.size() == 3);
  CHECK(changes.days[1].second.dropped == std::vector<std::uint64_t>{0});
  CHECK(changes.days[1].second.added.size() == 1);
  CHECK(changes.days[2].second.dropped.empty());
  REQUIRE(changes.days[2].second.added.size() == 1);
  CHECK(changes.days[2].second.added[0].fiscal_year == 2025);

  BalanceHistory back;
  CHECK(CopyThroughStore(same, back) == 3);
  CheckSameDays(h, back, d0 - 1, d0 + 3);
  auto day1 = back.At(d0 + 1);
  REQUIRE(day1);
  REQUIRE(day1->size() == 2);
  CHECK((*day1)[0].totals.paid == 300);
  // A row out of BalanceLess order does not fit.
  StoredBalanceDay bad;
  bad.seq = 40;
  bad.added = {row("530104", 2024, 0), row("530101", 2024, 0)};
  CHECK_FALSE(back.Restore(d0 + 3, bad));
}

}  // namespace fl::replay
