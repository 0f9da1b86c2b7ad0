// Replay from scratch equals the live worker, byte for byte, on random
// event streams, for several as_of dates; and the worker's state survives
// restarts without applying an entry twice.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <vector>

#include "http_fixture.h"
#include "ledger/flag_id.h"
#include "random_world.h"
#include "replay/entry_range.h"
#include "replay/projections.h"
#include "replay/projector.h"
#include "replay/queries.h"
#include "test_util.h"

namespace fl::test {
namespace {

Json LiveFlags(const replay::Projections& p, const std::string& as_of) {
  Json all = Json::array();
  replay::FlagQuery q;
  q.as_of = as_of;
  q.limit = 257;  // odd page size: pagination must not drop or repeat
  for (;;) {
    auto page = p.Flags(q);
    REQUIRE(page.ok());
    for (const auto& f : (*page)["flags"]) all.push_back(f);
    if ((*page)["next_cursor"].is_null()) break;
    q.cursor = (*page)["next_cursor"];
  }
  return all;
}

// The cap report a fold of the whole log filtered at as_of gives, built
// here from the fold's parts rather than read through Projections.
Json FoldedCaps(const Ledger& ledger, const std::string& as_of) {
  replay::State s;
  const auto day = replay::ParseDay(as_of);
  REQUIRE(day);
  s.filter_as_of = *day;
  replay::Event e;
  REQUIRE(replay::ForEachEvent(
              ledger, 0, ledger.TreeSize(), e,
              [&](const replay::Event& ev) { replay::Apply(s, ev); })
              .ok());
  return replay::CapReport(s, replay::CapFilter{}, *day);
}

Json LiveCaps(const replay::Projections& p, const std::string& as_of) {
  replay::CapQuery q;
  q.as_of = as_of;
  auto c = p.Caps(q);
  REQUIRE(c.ok());
  return *c;
}

Json LiveBalances(const replay::Projections& p, const std::string& as_of) {
  replay::BalanceQuery q;
  q.as_of = as_of;
  auto b = p.Balances(q);
  REQUIRE(b.ok());
  return (*b)["balances"];
}

}  // namespace

TEST_CASE("replay equals the live worker on random streams", "[replay]") {
  // Under TSan (kTsanShrink) one seed and shorter streams: the worker
  // still runs beside the appends and is restarted midway.
  std::vector<std::uint32_t> seeds{7u};
  if (kTsanShrink == 1) seeds.push_back(2024u);
  const int half = 6000 / kTsanShrink;
  for (std::uint32_t seed : seeds) {
    RuleWorld w;
    TempDir scratch;
    // The live worker runs while events arrive, and is restarted midway.
    auto live = replay::Projections::Open(w.world().ledger(),
                                          w.world().dir() + "/projections");
    REQUIRE(live.ok());
    (*live)->Start();
    AppendRandomWorld(w, seed, half);
    (*live)->Stop();
    live->reset();
    live = replay::Projections::Open(w.world().ledger(),
                                     w.world().dir() + "/projections");
    REQUIRE(live.ok());
    (*live)->Start();
    AppendRandomWorld(w, seed + 1, half);
    const std::uint64_t last = w.world().ledger().TreeSize() - 1;
    REQUIRE((*live)->WaitApplied(last, 20000));
    INFO("seed " << seed << ", " << last + 1 << " entries");

    std::map<std::string, std::size_t> rules;
    int round = 0;
    for (const char* as_of :
         {"", "2023-06-30", "2024-03-15", "2024-12-31", "2026-01-01"}) {
      replay::ReplayOptions o;
      o.as_of = as_of;
      // Both fresh places: a new store on disk, and memory only.
      if (round++ % 2 == 0) o.scratch_dir = scratch.str() + "/r";
      replay::ReplaySummary summary;
      auto r = replay::ReplayLedger(w.world().ledger(), o, &summary);
      REQUIRE(r.ok());
      CHECK(summary.entries == last + 1);
      Json live_flags = LiveFlags(**live, as_of);
      CHECK(Canonicalize((*r)["flags"]) == Canonicalize(live_flags));
      CHECK(Canonicalize((*r)["balances"]) ==
            Canonicalize(LiveBalances(**live, as_of)));
      CHECK((*r)["until_seq"] == last);
      for (const auto& [rule, n] : summary.flags_by_rule) rules[rule] += n;
    }
    // The full stream is rich enough to exercise most rules.
    if (kTsanShrink == 1) CHECK(rules.size() >= 14);
    (*live)->Stop();
  }
}

TEST_CASE("once applied covers a trickle of appends, the flags include them",
          "[replay]") {
  // Small groups arrive while the worker's flag judge rests between
  // judgements (kJudgeRest): entries that waited for it must be judged
  // and published when the rest ends, with no further append to wake the
  // worker, and flags must then be those of the whole log.
  RuleWorld w;
  auto live = replay::Projections::Open(w.world().ledger(),
                                        w.world().dir() + "/projections");
  REQUIRE(live.ok());
  (*live)->Start();
  AppendRandomWorld(w, 11u, 1500 / kTsanShrink, /*batch=*/3);
  const std::uint64_t size = w.world().ledger().TreeSize();
  REQUIRE((*live)->WaitApplied(size - 1, 20000));
  const auto judged = (*live)->judge_stats();
  CHECK(judged.judged_seq == size);
  CHECK(judged.judgements >= 1);
  replay::ReplaySummary summary;
  auto r = replay::ReplayLedger(w.world().ledger(), {}, &summary);
  REQUIRE(r.ok());
  CHECK(summary.flags > 0);
  CHECK(Canonicalize((*r)["flags"]) == Canonicalize(LiveFlags(**live, "")));
  (*live)->Stop();
}

TEST_CASE("replay --until-seq judges the prefix as of its own newest date",
          "[replay]") {
  RuleWorld w;
  AppendRandomWorld(w, 99, 2000);
  TempDir scratch;
  const std::uint64_t n = 1200;
  replay::ReplayOptions o;
  o.until_seq = n;
  o.scratch_dir = scratch.str() + "/r";
  auto r = replay::ReplayLedger(w.world().ledger(), o, nullptr);
  REQUIRE(r.ok());
  CHECK((*r)["until_seq"] == n);
  // The newest occurred_at among seq 1..n is the as_of.
  std::string newest;
  for (std::uint64_t s = 1; s <= n; ++s) {
    Json e = Json::parse(*w.world().ledger().EntryAt(s));
    newest = std::max(newest, e["event"]["occurred_at"].get<std::string>());
  }
  CHECK((*r)["as_of"] == newest.substr(0, 10));
  // Past the log: refused.
  o.until_seq = w.world().ledger().TreeSize();
  CHECK(!replay::ReplayLedger(w.world().ledger(), o, nullptr).ok());
  o.until_seq.reset();
  o.as_of = "2024-02-30";
  CHECK(!replay::ReplayLedger(w.world().ledger(), o, nullptr).ok());
}

TEST_CASE("the replay command writes what ReplayLedger computes",
          "[replay][cli]") {
  RuleWorld w;
  AppendRandomWorld(w, 5, 1500);
  TempDir out;
  std::string file = out.str() + "/replay.json";
  std::string cmd = std::string(FL_BINARY) + " replay --data " +
                    w.world().dir() + " --as-of 2024-12-31 --out " + file +
                    " > " + out.str() + "/summary.txt";
  REQUIRE(std::system(cmd.c_str()) == 0);
  replay::ReplayOptions o;
  o.as_of = "2024-12-31";
  o.scratch_dir = out.str() + "/scratch";
  auto r = replay::ReplayLedger(w.world().ledger(), o, nullptr);
  REQUIRE(r.ok());
  CHECK(ReadFile(file) == Canonicalize(*r) + "\n");
  std::string summary = ReadFile(out.str() + "/summary.txt");
  CHECK(summary.find("replayed 1504 entries") != std::string::npos);
}

TEST_CASE("a restarted worker resumes at its stored seq", "[replay]") {
  RuleWorld w;
  AppendRandomWorld(w, 11, 3000);
  const std::string dir = w.world().dir() + "/projections";
  Json before;
  {
    auto p = replay::Projections::Open(w.world().ledger(), dir);
    REQUIRE(p.ok());
    REQUIRE((*p)->CatchUp().ok());
    before = LiveFlags(**p, "2024-12-31");
    CHECK((*p)->Statuses().front().applied == w.world().ledger().TreeSize());
  }
  auto p = replay::Projections::Open(w.world().ledger(), dir);
  REQUIRE(p.ok());
  // Loaded, not re-applied: already at the end before any CatchUp.
  CHECK((*p)->Statuses().front().applied == w.world().ledger().TreeSize());
  CHECK(Canonicalize(LiveFlags(**p, "2024-12-31")) == Canonicalize(before));
}

// A historic as_of read folds only as far as the last block holding an
// entry dated on or before it, keeps its state while later-dated entries
// arrive, and folds again after a backdated one; every answer equals a
// replay from scratch at that as_of.
TEST_CASE("historic reads stop early and survive later-dated appends",
          "[replay]") {
  RuleWorld w;
  // ~600 days from 2023-01-01, in order, as a live log grows: two whole
  // blocks and part of a third. (Each day the worker passes is judged into
  // the day histories, so days cost the most here: 6,000 events took
  // 300 s under ASan.)
  AppendRandomWorld(w, 17, 3000, 500, /*dates_in_order=*/true);
  auto p =
      replay::Projections::Open(w.world().ledger(), w.world().dir() + "/hist");
  REQUIRE(p.ok());
  REQUIRE((*p)->CatchUp().ok());
  const std::uint64_t size = w.world().ledger().TreeSize();
  // The worker dated every whole block it applied.
  CHECK((*p)->historic_stats().dated_blocks == size / 1024);

  auto same_as_replay = [&](const std::string& as_of) {
    replay::ReplayOptions o;
    o.as_of = as_of;
    auto r = replay::ReplayLedger(w.world().ledger(), o, nullptr);
    REQUIRE(r.ok());
    Json live = LiveBalances(**p, as_of);
    CHECK(Canonicalize((*r)["flags"]) == Canonicalize(LiveFlags(**p, as_of)));
    CHECK(Canonicalize((*r)["balances"]) == Canonicalize(live));
    return live;
  };
  // 2023-06-30 is ~900 events in: the fold reads the first block only.
  same_as_replay("2023-06-30");
  auto st = (*p)->historic_stats();
  CHECK(st.folds == 1);
  CHECK(st.folded_entries == 1024);
  Json before = same_as_replay("2023-12-31");
  st = (*p)->historic_stats();
  CHECK(st.folds == 2);
  // 2023-12-31 is ~1,830 events in: two blocks.
  CHECK(st.folded_entries == 1024 + 2048);

  // Appends dated after 2023-12-31 change nothing at that as_of: the state
  // is reused, not folded again.
  w.Budget("late-1", "general_budget", "SWS.OPS", "530102", 500'000,
           "2026-06-01", 2026);
  w.Budget("late-2", "general_budget", "SWS.OPS", "530102", 700'000,
           "2026-06-02", 2026);
  REQUIRE((*p)->CatchUp().ok());
  CHECK(Canonicalize(same_as_replay("2023-12-31")) == Canonicalize(before));
  st = (*p)->historic_stats();
  CHECK(st.folds == 2);
  CHECK(st.reuses == 1);

  // A backdated append does change it: folded again, and it shows.
  w.Budget("back-1", "general_budget", "SWS.OPS", "530102", 900'000,
           "2023-11-30", 2023);
  REQUIRE((*p)->CatchUp().ok());
  CHECK(Canonicalize(same_as_replay("2023-12-31")) != Canonicalize(before));
  st = (*p)->historic_stats();
  CHECK(st.folds == 3);
  CHECK(st.reuses == 1);
  // The newest date is 2026-06-02 now; at or after it, the live state.
  CHECK((*p)->IsHistoric("2026-06-01"));
  CHECK(!(*p)->IsHistoric("2026-06-02"));
  CHECK(!(*p)->IsHistoric("2026-13-01"));  // invalid: the read says so
  CHECK(!(*p)->IsHistoric(""));
}

// While dates only grow, the worker judges the flags at each day it
// passes (day_history.h), and a historic flags read is answered from
// that without a fold; a backdated entry drops the days from its date on
// (reads of them fold), and every answer equals a replay at that as_of.
// The history is stored with the state, so a restart reads it back.
TEST_CASE("historic flag reads come from the day history while dates grow",
          "[replay]") {
  // Five events a day from 2023-01-01 to ~2024-08; the agencies were
  // registered on 2024-03-31, so the stream is in order from that day on.
  // (Small: every day is judged twice over, and ASan is slow.)
  RuleWorld w;
  AppendRandomWorld(w, 29, 3000, 500, /*dates_in_order=*/true);
  const std::string dir = w.world().dir() + "/days";
  auto p = replay::Projections::Open(w.world().ledger(), dir);
  REQUIRE(p.ok());
  REQUIRE((*p)->CatchUp().ok());
  auto st = (*p)->historic_stats();
  // 2024-03-31 to ~2024-08, each day judged once.
  CHECK(st.history_days >= 130);
  // Most flags carry over from one day to the next.
  CHECK(st.history_flags > 0);

  auto same_as_replay = [&](const std::string& as_of) {
    replay::ReplayOptions o;
    o.as_of = as_of;
    auto r = replay::ReplayLedger(w.world().ledger(), o, nullptr);
    REQUIRE(r.ok());
    const Json live = LiveFlags(**p, as_of);
    CHECK(Canonicalize((*r)["flags"]) == Canonicalize(live));
    // The balances and the cap report at that day come from their
    // histories, and are what the fold gives too.
    CHECK(Canonicalize((*r)["balances"]) ==
          Canonicalize(LiveBalances(**p, as_of)));
    CHECK(Canonicalize(FoldedCaps(w.world().ledger(), as_of)) ==
          Canonicalize(LiveCaps(**p, as_of)));
    return live;
  };
  Json early;
  for (const char* as_of : {"2024-04-15", "2024-05-31", "2024-07-15"}) {
    INFO(as_of);
    Json live = same_as_replay(as_of);
    if (std::string(as_of) == "2024-04-15") early = live;
  }
  st = (*p)->historic_stats();
  CHECK(st.folds == 0);
  CHECK(st.history_reads >= 3);
  CHECK(st.balance_reads == 3);
  CHECK(st.balance_days == st.history_days);
  CHECK(st.cap_reads == 3);
  CHECK(st.cap_days == st.history_days);
  // The days on which the cap report changed, from the history; at each
  // of the first three the fold agrees (a report taken a day off would
  // not).
  {
    std::vector<std::string> changed;
    Json before_day = LiveCaps(**p, "2024-04-01");
    for (replay::Day d = *replay::ParseDay("2024-04-02");
         d <= *replay::ParseDay("2024-07-31"); ++d) {
      const std::string day = replay::FormatDay(d);
      Json now_day = LiveCaps(**p, day);
      if (now_day.at("counties") != before_day.at("counties"))
        changed.push_back(day);
      before_day = std::move(now_day);
    }
    REQUIRE(changed.size() >= 3);
    for (std::size_t i = 0; i < 3; ++i) {
      INFO(changed[i]);
      CHECK(Canonicalize(FoldedCaps(w.world().ledger(), changed[i])) ==
            Canonicalize(LiveCaps(**p, changed[i])));
    }
    CHECK((*p)->historic_stats().folds == 0);
  }
  // An account's row is shared by the days its figures did not move:
  // far fewer copies than days times accounts.
  const std::size_t accounts = LiveBalances(**p, "2024-05-31").size();
  CHECK(accounts > 10);
  CHECK(st.balance_rows > accounts);
  CHECK(st.balance_rows * 4 < st.balance_days * accounts);
  CHECK(!early.empty());
  // A filtered read of a held day filters the day's rows as a fold's
  // read filters the lots.
  {
    replay::BalanceQuery q;
    q.as_of = "2024-05-31";
    q.division = "530102";
    q.fiscal_year = 2024;
    auto from_days = (*p)->Balances(q);
    REQUIRE(from_days.ok());
    replay::ReplayOptions o;
    o.as_of = q.as_of;
    auto r = replay::ReplayLedger(w.world().ledger(), o, nullptr);
    REQUIRE(r.ok());
    Json want = Json::array();
    for (const auto& b : (*r)["balances"]) {
      const std::string div = b.at("division_code");
      if (div.starts_with("530102") && b.at("fiscal_year") == 2024)
        want.push_back(b);
    }
    CHECK(!want.empty());
    CHECK(Canonicalize((*from_days)["balances"]) == Canonicalize(want));
    CHECK((*p)->historic_stats().folds == 0);
  }

  // The review entries of a flag dated on or before as_of, read from the
  // log itself: what a flag's page at as_of must list.
  auto reviews_in_log = [&](const std::string& id, const std::string& as_of) {
    std::vector<std::uint64_t> out;
    const auto& ledger = w.world().ledger();
    for (std::uint64_t n = 0; n < ledger.TreeSize(); ++n) {
      auto text = ledger.EntryAt(n);
      REQUIRE(text.ok());
      const Json ev = Json::parse(*text).at("event");
      const Json& d = ev.at("data");
      const std::string type = ev.at("type");
      const bool concerns =
          (type == "flag.reviewed" && d.value("flag_id", "") == id) ||
          (type == "exception.approved" &&
           FlagId(d.value("rule", ""), d.value("ref", "")) == id);
      if (concerns &&
          ev.at("occurred_at").get<std::string>().substr(0, 10) <= as_of)
        out.push_back(n);
    }
    return out;
  };
  auto page_reviews = [](const Json& page) {
    std::vector<std::uint64_t> out;
    for (const auto& r : page.at("reviews")) out.push_back(r.at("seq"));
    return out;
  };
  auto page_head = [](Json page) {
    page.erase("entries");
    page.erase("reviews");
    return page;
  };

  // One flag's page at a historic as_of comes from the history too. A
  // review dated after the log's last date (so no day is dropped) shows
  // on today's page, not on the page at 2024-05-31.
  const Json on_day = LiveFlags(**p, "2024-05-31");
  REQUIRE(!on_day.empty());
  const Json pick = on_day[on_day.size() / 2];
  const std::string id = pick.at("flag_id");
  const std::uint64_t review = w.Add("flag.reviewed",
                                     {{"flag_id", id},
                                      {"rule", pick.at("rule")},
                                      {"subject", pick.at("subject")},
                                      {"status", "confirmed"},
                                      {"note", "checked"}},
                                     "2024-10-01");
  REQUIRE((*p)->CatchUp().ok());
  const auto reads_before = (*p)->historic_stats().history_reads;
  auto then = (*p)->FlagById(id, "", "2024-05-31");
  REQUIRE(then.ok());
  CHECK((*p)->historic_stats().folds == 0);
  CHECK((*p)->historic_stats().history_reads == reads_before + 1);
  CHECK(Canonicalize(page_head(*then)) == Canonicalize(pick));
  CHECK(page_reviews(*then) == reviews_in_log(id, "2024-05-31"));
  auto now = (*p)->FlagById(id, "", "");
  REQUIRE(now.ok());
  CHECK(page_reviews(*now).back() == review);
  CHECK(page_reviews(*then).size() < page_reviews(*now).size());
  // No such flag that day, and a flag outside the token's scope: the
  // same answers as a fold gives, still without one.
  auto none = (*p)->FlagById("0000000000000000", "", "2024-05-31");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().reason == "not_found");
  auto outside = (*p)->FlagById(id, "110000", "2024-05-31");
  REQUIRE_FALSE(outside.ok());
  CHECK(outside.error().reason == "out_of_scope");
  CHECK((*p)->historic_stats().folds == 0);

  // A backdated entry: days before it still hold, later ones fold.
  w.Budget("back-days", "general_budget", "SWS.OPS", "530102", 900'000,
           "2024-06-10", 2024);
  REQUIRE((*p)->CatchUp().ok());
  const auto reads = (*p)->historic_stats().history_reads;
  CHECK(Canonicalize(same_as_replay("2024-04-15")) == Canonicalize(early));
  CHECK(same_as_replay("2024-05-31").size() > 0);
  st = (*p)->historic_stats();
  CHECK(st.folds == 0);
  CHECK(st.history_reads > reads);  // a read per page
  same_as_replay("2024-07-15");
  CHECK((*p)->historic_stats().folds == 1);
  CHECK((*p)->historic_stats().history_reads == st.history_reads);
  // A flag's page at a dropped day comes from that fold, and lists the
  // same reviews as the log.
  const Json at_july = LiveFlags(**p, "2024-07-15");
  REQUIRE(!at_july.empty());
  const std::string july_id = at_july[0].at("flag_id");
  auto july = (*p)->FlagById(july_id, "", "2024-07-15");
  REQUIRE(july.ok());
  CHECK(Canonicalize(page_head(*july)) == Canonicalize(at_july[0]));
  CHECK(page_reviews(*july) == reviews_in_log(july_id, "2024-07-15"));
  CHECK((*p)->historic_stats().folds == 1);
  CHECK((*p)->historic_stats().history_reads == st.history_reads);

  // A restart loads the history with the state: the same days, read
  // without a fold, except the days the backdated entry dropped.
  const auto days_before = (*p)->historic_stats().history_days;
  const auto copies_before = (*p)->historic_stats().history_flags;
  p->reset();
  p = replay::Projections::Open(w.world().ledger(), dir);
  REQUIRE(p.ok());
  st = (*p)->historic_stats();
  CHECK(st.history_days == days_before);
  CHECK(st.history_days >= 65);  // 2024-03-31 to 2024-06-09
  CHECK(st.balance_days == st.history_days);
  CHECK(st.cap_days == st.history_days);
  // Days that shared a flag's copy share it again.
  CHECK(st.history_flags == copies_before);
  CHECK(Canonicalize(same_as_replay("2024-04-15")) == Canonicalize(early));
  CHECK(same_as_replay("2024-05-31").size() > 0);
  CHECK((*p)->historic_stats().folds == 0);
  CHECK((*p)->historic_stats().history_reads >= 2);
  same_as_replay("2024-07-15");
  CHECK((*p)->historic_stats().folds == 1);

  // Days judged after the restart are stored too: appends dated later end
  // the days up to theirs, and a second restart reads them back.
  w.Budget("later-1", "general_budget", "SWS.OPS", "530102", 100'000,
           "2024-10-20", 2024);
  w.Budget("later-2", "general_budget", "SWS.OPS", "530102", 100'000,
           "2024-10-25", 2024);
  (*p)->Start();
  REQUIRE((*p)->WaitApplied(w.world().ledger().TreeSize() - 1, 60'000));
  (*p)->Stop();
  const auto days_after = (*p)->historic_stats().history_days;
  CHECK(days_after > days_before);
  p->reset();
  p = replay::Projections::Open(w.world().ledger(), dir);
  REQUIRE(p.ok());
  CHECK((*p)->historic_stats().history_days == days_after);
  same_as_replay("2024-10-22");
  CHECK((*p)->historic_stats().folds == 0);
  CHECK((*p)->historic_stats().history_reads >= 1);
}

}  // namespace fl::test

namespace fl::test {

// API.md: `replay --out` equals what the live server serves, byte for byte.
TEST_CASE("replay output equals GET /v1/flags and /v1/balances over HTTP",
          "[replay][http]") {
  HttpWorld hw;
  hw.world().AddAgency("mz-530000", "civil_affairs", "530000");
  hw.world().AddAgency("sj-530000", "auditor", "530000");
  AppendRandomWorld(hw.world(), 31, 10000);
  const std::uint64_t last = hw.ledger().TreeSize() - 1;
  TempDir scratch;
  const std::string& token = hw.auditor();
  for (const char* as_of : {"", "2023-09-30", "2024-12-31"}) {
    std::string q = std::string("min_seq=") + std::to_string(last);
    if (*as_of) q += std::string("&as_of=") + as_of;
    Json flags = Json::array();
    std::string cursor;
    for (;;) {
      auto r = hw.Get("/v1/flags?limit=1000&" + q +
                          (cursor.empty() ? "" : "&cursor=" + cursor),
                      token);
      REQUIRE(r.status == 200);
      Json page = Json::parse(r.body);
      CHECK(r.body == Canonicalize(page));
      for (auto& f : page["flags"]) flags.push_back(f);
      if (page["next_cursor"].is_null()) break;
      cursor = page["next_cursor"];
    }
    auto b = hw.Get("/v1/balances?" + q, token);
    REQUIRE(b.status == 200);

    replay::ReplayOptions o;
    o.as_of = as_of;
    o.scratch_dir = scratch.str() + "/r";
    auto r = replay::ReplayLedger(hw.ledger(), o, nullptr);
    REQUIRE(r.ok());
    INFO("as_of " << as_of << ": " << flags.size() << " flags");
    CHECK(flags.size() > 10);
    CHECK(Canonicalize((*r)["flags"]) == Canonicalize(flags));
    CHECK(b.body == Canonicalize(Json{{"balances", (*r)["balances"]}}));
  }
}

}  // namespace fl::test
