#include "replay/projections.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <utility>

#include "ledger/division.h"
#include "ledger/limits.h"
#include "replay/day_blocks.h"
#include "replay/day_history.h"
#include "replay/entry_range.h"
#include "replay/event.h"
#include "replay/flags.h"
#include "replay/projection_store.h"
#include "replay/projector.h"
#include "replay/queries.h"
#include "replay/review_history.h"

namespace fl::replay {
namespace {

constexpr std::uint64_t kBatch = 4096;  // entries per live commit
// While the applier works through a backlog, flags are judged at least
// this often (AfterBatch).
constexpr std::chrono::seconds kFlagsRefresh{2};
// At the end of the log the judge rests this many times as long as its
// last judgement took (at most kFlagsRefresh) before the next: while
// appends trickled in, judging every rule after each small group kept a
// core busy (97.8% at 1M entries in bench-projections, when a judgement
// took ~0.3 s). Resting twice as long as it works bounds that to a third
// of a core, however long a judgement takes.
constexpr int kJudgeRest = 2;
// ... and at least this long: once R16 kept its sums (a judgement ~8 ms at
// 1M entries, ~25 ms beside the appends) the worker judged 13 times a
// second, still a third of a core, for flags fresher than anyone reads.
constexpr std::chrono::milliseconds kJudgeMinRest{100};
// A replay into a scratch store commits less often: hot rows (lots,
// contracts) are then encoded once per 64k entries, not once per 4k.
constexpr std::uint64_t kReplayBatch = 65536;
constexpr std::size_t kHistoricCache = 4;
// Days judged into the flag history for one gap between dates: a year,
// ~4 s of judgements at 1M entries.
constexpr Day kHistoryGapDays = 366;
// The worker's waits between retries after a fault (disk full, I/O
// error): doubling from the first to the last.
constexpr std::chrono::milliseconds kRetryFirst{100};
constexpr std::chrono::milliseconds kRetryMax{5000};

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Result<Day> ParseAsOf(const std::string& text) {
  auto d = ParseDay(text);
  if (!d || text.size() != 10) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "as_of must be a date YYYY-MM-DD", "/as_of");
  }
  return *d;
}

// Applies entries [s.next_seq, to) of the ledger to `s`, committing every
// `batch` entries when a store is given.
// Each entry is applied as soon as it is decoded, into one reused Event:
// its Doc is still in cache when the rules read it. Decoding a batch of
// 8,192 first left ~20 MB of Docs between an entry's decode and its
// Apply, so every field a rule read was a cache miss (R18's lookups alone
// were ~3% of a replay, docs/PERFORMANCE.md).
Status Fold(const Ledger& ledger, State& s, std::uint64_t to,
            ProjectionStore* store, std::uint64_t batch = kReplayBatch) {
  Event e;
  if (!store) StopRecordingChanges(s);  // nothing will persist them
  while (s.next_seq < to) {
    const std::uint64_t end = std::min(to, s.next_seq + batch);
    // Apply checks that each entry's seq is the next one.
    FL_RETURN_IF_ERROR(ForEachEvent(ledger, s.next_seq, end, e,
                                    [&](const Event& ev) { Apply(s, ev); }));
    if (s.next_seq != end) {
      return DataLoss("entries " + std::to_string(s.next_seq) + " to " +
                      std::to_string(end) + " are missing from the log");
    }
    if (store) FL_RETURN_IF_ERROR(store->Commit(s));
  }
  return Status::Ok();
}

}  // namespace

struct Projections::Impl {
  const Ledger& ledger;
  std::unique_ptr<ProjectionStore> store;

  mutable std::shared_mutex mu;  // guards state
  State state;
  std::mutex apply_mu;  // one applier at a time (worker or CatchUp)

  std::thread worker;
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> applied{0};
  // (tree size, when the worker first saw it): the oldest unapplied entry
  // was appended before the first sample whose size passes `applied`, so
  // its age bounds the lag (to within one batch).
  mutable std::mutex lag_mu;
  mutable std::deque<std::pair<std::uint64_t, std::int64_t>> seen;
  mutable std::mutex applied_mu;
  mutable std::condition_variable applied_cv;
  mutable std::mutex error_mu;
  std::string error;

  // Flags of the live state for one (applied, as_of); historic states.
  struct LiveFlags {
    std::uint64_t applied = UINT64_MAX;
    Day as_of = kNoDay;
    std::shared_ptr<const std::vector<Flag>> flags;
  };
  struct Historic {
    std::uint64_t applied;
    Day as_of;
    std::shared_ptr<const State> state;
    std::shared_ptr<const std::vector<Flag>> flags;
  };
  mutable std::mutex cache_mu;
  // One historic replay at a time: equal requests wait for one result
  // instead of each folding the whole log, and memory holds one replay.
  mutable std::mutex historic_mu;
  mutable LiveFlags live_flags;   // judged by the applier, default as_of
  mutable LiveFlags asked_flags;  // judged by a read, for another as_of
  // Entries in `state`, ahead of `applied` while they wait for a judgement.
  std::atomic<std::uint64_t> folded{0};
  // The judge's pace (apply_mu): when it last started, and until when it
  // rests (kJudgeRest).
  std::chrono::steady_clock::time_point last_judged{}, judge_rests_until{};
  mutable std::vector<Historic> historic;
  // The flags, the balance rows and the cap report's rows at each day the
  // fold has passed (day_history.h), stored with the state.
  FlagHistory history;
  BalanceHistory balance_history;
  CapHistory cap_history;
  mutable std::atomic<std::uint64_t> history_reads{0}, balance_history_reads{0},
      cap_history_reads{0};
  // Where a historic fold may stop (day_blocks.h); learned by the applier.
  mutable DayBlocks days;
  // state.newest_day as of the last applied batch, for IsHistoric: the
  // HTTP edge asks on its I/O threads, which must not wait for `mu` while
  // the applier holds it through a batch.
  std::atomic<Day> newest_day{kNoDay};
  mutable std::atomic<std::uint64_t> historic_folds{0}, historic_folded{0},
      historic_reuses{0};
  std::atomic<std::uint64_t> judgements{0}, judge_ns{0}, judged_seq{0};

  explicit Impl(const Ledger& l) : ledger(l) {}

  // Folds entries [folded, to) into the state, committing each batch, and
  // publishes them as applied after AfterBatch's judgement. `force` judges
  // at the end of the log even while the judge rests (CatchUp).
  Status ApplyUpTo(std::uint64_t to, bool force = false) {
    std::lock_guard guard(apply_mu);
    while (folded.load() < to) {
      const std::uint64_t from = folded.load();
      const std::uint64_t end = std::min(to, from + kBatch);
      std::vector<Event> events;
      FL_RETURN_IF_ERROR(DecodeEntries(ledger, from, end, events));
      days.Note(events);
      {
        std::unique_lock lock(mu);
        for (const Event& e : events) {
          if (EndsDays(state, e)) {
            // The days before e's date are over: judged on this state,
            // with readers let in (the applier holds apply_mu, so the
            // state cannot change under the shared lock).
            lock.unlock();
            {
              std::shared_lock judging(mu);
              JudgeDaysBefore(state, e.occurred, history, balance_history,
                              cap_history);
            }
            lock.lock();
          } else if (Backdated(state, e)) {
            history.DropFrom(e.occurred);
            balance_history.DropFrom(e.occurred);
            cap_history.DropFrom(e.occurred);
          }
          Apply(state, e);
        }
        newest_day = state.newest_day;
        FL_RETURN_IF_ERROR(
            store->Commit(state, {&history, &balance_history, &cap_history}));
      }
      folded.store(end);
      AfterBatch(end, force);
    }
    if (force && applied.load() < folded.load()) {
      Judge();  // the worker's batch that waited for the judge's rest
      Publish(folded.load());
    }
    return Status::Ok();
  }

  // Live flags are judged here, on the applier's thread, before `applied`
  // says the entries are in: a read then serves the newest judged flags
  // instead of re-judging every rule itself, so a read never waits for an
  // evaluation. A batch that reaches the end of the log is published with
  // a judgement, so once `applied` covers a seq there, flags include it;
  // while the judge rests (kJudgeRest) such a batch waits, and Run
  // publishes it when the rest is over (PublishRested). Through a backlog,
  // batches are published at once and judged at least every
  // kFlagsRefresh, so reads may see flags a few batches behind.
  void AfterBatch(std::uint64_t end, bool force) {
    const auto now = std::chrono::steady_clock::now();
    if (end < ledger.TreeSize()) {
      if (now - last_judged >= kFlagsRefresh) Judge();
    } else if (force || now >= judge_rests_until) {
      Judge();
    } else {
      return;  // published by PublishRested
    }
    Publish(end);
  }

  // Run's call when no entries came: entries that wait for the judge are
  // judged and published once its rest is over. Returns how long to wait
  // before asking again (0 when nothing waits).
  std::chrono::milliseconds PublishRested() {
    std::lock_guard guard(apply_mu);
    const std::uint64_t end = folded.load();
    if (applied.load() >= end) return std::chrono::milliseconds(0);
    const auto now = std::chrono::steady_clock::now();
    if (now < judge_rests_until) {
      return std::chrono::ceil<std::chrono::milliseconds>(judge_rests_until -
                                                          now);
    }
    Judge();
    Publish(end);
    return std::chrono::milliseconds(0);
  }

  // The day histories (day_history.h) as a fold passes entry e of state s:
  // e dated after every earlier entry ends the days before its date;
  // e dated before the newest changes every day from its date on.
  static bool EndsDays(const State& s, const Event& e) {
    return e.seq != 0 && s.newest_day != kNoDay && e.occurred > s.newest_day;
  }
  static bool Backdated(const State& s, const Event& e) {
    return e.seq != 0 && e.occurred < s.newest_day;
  }
  // Takes each day from s's newest date up to the day before `next`: the
  // flags judged at it into `h`, the cap report's rows at it into `c`, and
  // the balance rows into `b` (computed once: no entry is dated between,
  // and no balance figure depends on the date). At most kHistoryGapDays
  // days (a date years ahead must not stall the worker; a day not taken
  // means a fold for its reads). Stop waits for them: a day skipped here
  // would be missing from the stored history for good, and a batch of a
  // dense log spans a few days (~3 at 1M entries, ~10 ms a judgement).
  static void JudgeDaysBefore(const State& s, Day next, FlagHistory& h,
                              BalanceHistory& b, CapHistory& c) {
    const Day first = s.newest_day;
    const Day end = static_cast<Day>(
        std::min<std::int64_t>(next, std::int64_t{first} + kHistoryGapDays));
    if (first >= end) return;
    const std::vector<BalanceRow> rows = BalanceRows(s);
    for (Day d = first; d < end; ++d) {
      h.Record(d, s.next_seq, EvaluateFlags(s, d));
      b.Record(d, s.next_seq, rows);
      c.Record(d, s.next_seq, CapRows(s, d));
    }
  }
  // Runs fn(day) under the shared lock when `as_of_text` is a date before
  // the newest in the log, else gives fn's default (not a historic date,
  // or not a date: WithView says so). Under the shared lock the history
  // matches the state: the applier drops days under the exclusive lock,
  // before applying what changes them.
  template <class F>
  auto InHistory(const std::string& as_of_text, F&& fn) const
      -> decltype(fn(Day{})) {
    if (as_of_text.empty()) return {};
    auto d = ParseAsOf(as_of_text);
    if (!d.ok()) return {};
    std::shared_lock lock(mu);
    if (state.newest_day == kNoDay || *d >= state.newest_day) return {};
    return fn(*d);
  }

  // The rows history `h` holds at a historic as_of (and that day in
  // `as_of`), or null; a read answered from it counts in `reads`.
  template <class History>
  auto FromHistory(const History& h, std::atomic<std::uint64_t>& reads,
                   const std::string& as_of_text, Day* as_of) const {
    return InHistory(as_of_text, [&](Day d) {
      auto rows = h.At(d);
      if (rows) {
        *as_of = d;
        ++reads;
      }
      return rows;
    });
  }

  // One flag at a historic as_of from the day history (nullopt when the
  // day is not held; no flag when it was not raised that day), and its
  // review entries: the live state's, less those applied after the day
  // was judged. While the day is held those are exactly the reviews dated
  // after it (day_history.h), which a fold at that as_of leaves out.
  struct DayFlag {
    Day day = kNoDay;
    std::optional<Flag> flag;
  };
  std::optional<DayFlag> FlagFromHistory(
      const std::string& flag_id, const std::string& as_of_text,
      std::vector<std::uint64_t>* reviews) const {
    return InHistory(as_of_text, [&](Day d) -> std::optional<DayFlag> {
      auto one = history.Find(
          d, flag_id,
          [](const Flag& f) -> std::string_view { return f.flag_id; });
      if (!one.day_held) return std::nullopt;
      ++history_reads;
      if (one.row) {
        *reviews = ReviewSeqs(state, flag_id);
        std::erase_if(*reviews,
                      [&](std::uint64_t seq) { return seq >= one.seq; });
      }
      return DayFlag{d, std::move(one.row)};
    });
  }

  void Judge() {
    const auto start = std::chrono::steady_clock::now();
    last_judged = start;
    {
      std::shared_lock lock(mu);  // readers go on; the applier is us
      const Day as_of = DefaultAsOf(state);
      auto flags = std::make_shared<const std::vector<Flag>>(
          EvaluateFlags(state, as_of));
      std::lock_guard g(cache_mu);
      live_flags = LiveFlags{state.next_seq, as_of, std::move(flags)};
      judged_seq.store(state.next_seq);
    }
    const auto took = std::chrono::steady_clock::now() - start;
    judge_rests_until = start + took +
                        std::clamp<std::chrono::steady_clock::duration>(
                            kJudgeRest * took, kJudgeMinRest, kFlagsRefresh);
    judgements.fetch_add(1);
    judge_ns.fetch_add(static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(took).count()));
  }

  void Publish(std::uint64_t end) {
    {
      std::lock_guard g(applied_mu);
      applied.store(end);
    }
    applied_cv.notify_all();
  }

  void Saw(std::uint64_t size) {
    std::lock_guard g(lag_mu);
    if (seen.empty() || seen.back().first < size)
      seen.emplace_back(size, NowMs());
  }

  double LagSeconds(std::uint64_t done) const {
    std::lock_guard g(lag_mu);
    while (!seen.empty() && seen.front().first <= done) seen.pop_front();
    if (seen.empty()) return 0;
    return static_cast<double>(NowMs() - seen.front().second) / 1000.0;
  }

  // After a failed apply or commit the state may be ahead of the store
  // (applied in memory, not committed, and the changed-row marks spent),
  // and RocksDB refuses writes until its background error is cleared:
  // clear it, then reload the state from the store, so a retry neither
  // applies an entry twice nor skips one. The store is not reopened: a
  // RocksDB open on a full disk can abort the process.
  Status Reload() {
    std::lock_guard guard(apply_mu);
    FL_RETURN_IF_ERROR(store->Recover());
    State fresh;
    FlagHistory stored;
    BalanceHistory stored_balances;
    CapHistory stored_caps;
    FL_RETURN_IF_ERROR(
        store->Load(fresh, {&stored, &stored_balances, &stored_caps}));
    std::unique_lock lock(mu);
    state = std::move(fresh);
    newest_day = state.newest_day;
    folded.store(state.next_seq);
    history.Replace(std::move(stored));  // as judged on that state
    balance_history.Replace(std::move(stored_balances));
    cap_history.Replace(std::move(stored_caps));
    {
      std::lock_guard g(applied_mu);
      applied.store(state.next_seq);
    }
    std::lock_guard c(cache_mu);
    live_flags = LiveFlags{};
    asked_flags = LiveFlags{};
    return Status::Ok();
  }

  void SetError(std::string text) {
    std::lock_guard g(error_mu);
    error = std::move(text);
  }

  // Sleeps `d` unless Stop comes first.
  void Pause(std::chrono::milliseconds d) {
    auto until = std::chrono::steady_clock::now() + d;
    while (!stop.load() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // A fault does not stop the worker: it is reported (status, /healthz,
  // /metrics) while the worker retries with backoff, and cleared by the
  // first batch applied after it.
  void Run() {
    std::chrono::milliseconds backoff = kRetryFirst;
    bool reload = false;
    auto failed = [&](const Error& e) {
      {
        // The first error says what went wrong; a failing retry (e.g.
        // RocksDB still waiting for free space) says less.
        std::lock_guard g(error_mu);
        if (error.empty()) error = e.detail + " (retrying)";
      }
      Pause(backoff);
      backoff = std::min(backoff * 2, kRetryMax);
    };
    while (!stop.load()) {
      if (reload) {
        Status r = Reload();
        if (!r.ok()) {
          failed(r.error());
          continue;
        }
        reload = false;
      }
      // Entries waiting for the judge's rest to end are published then,
      // unless more come first (they are folded, and wait with them).
      const auto rest = PublishRested();
      const std::uint64_t have = folded.load();
      std::uint64_t size = ledger.WaitForGrowth(
          have, rest.count() > 0 ? static_cast<int>(std::min<std::int64_t>(
                                       rest.count(), 100))
                                 : 100);
      if (size <= have) continue;
      Saw(size);
      Status st = ApplyUpTo(std::min(size, have + kBatch));
      if (!st.ok()) {
        reload = true;
        failed(st.error());
        continue;
      }
      if (backoff != kRetryFirst) {
        SetError("");
        backoff = kRetryFirst;
      }
    }
  }

  // Runs fn(state, as_of) on the live state or, for an as_of before the
  // newest date in the log, on a replay that ignores later-dated events.
  template <class F>
  Result<Json> WithView(const std::string& as_of_text, F&& fn) const {
    std::optional<Day> asked;
    if (!as_of_text.empty()) {
      auto d = ParseAsOf(as_of_text);
      if (!d.ok()) return d.error();
      asked = *d;
    }
    std::shared_ptr<const State> snapshot;
    Day as_of;
    std::uint64_t at;
    {
      std::shared_lock lock(mu);
      as_of = asked ? *asked : DefaultAsOf(state);
      at = state.next_seq;
      if (!asked || state.newest_day == kNoDay || *asked >= state.newest_day)
        return fn(state, as_of, nullptr);
    }
    auto h = HistoricAt(at, as_of);
    if (!h.ok()) return h.error();
    return fn(*h->state, as_of, &*h);
  }

  // The state at (at, as_of): from the cache; else a cached state at the
  // same as_of and an earlier applied seq, when every entry appended since
  // is dated after as_of (it would change nothing: a live log's appends are
  // mostly today's, so an append need not cost the next historic read a
  // whole fold); else a fold of the log, stopped after the last block
  // holding an entry dated on or before as_of.
  Result<Historic> HistoricAt(std::uint64_t at, Day as_of) const {
    auto cached = [&](std::uint64_t upto) -> std::optional<Historic> {
      std::lock_guard g(cache_mu);
      for (const auto& h : historic)
        if (h.applied == upto && h.as_of == as_of) return h;
      return std::nullopt;
    };
    if (auto h = cached(at)) return *h;
    std::lock_guard one(historic_mu);
    if (auto h = cached(at)) return *h;  // folded while we waited
    std::optional<Historic> base;
    {
      std::lock_guard g(cache_mu);
      for (const auto& h : historic) {
        if (h.as_of == as_of && h.applied < at &&
            (!base || h.applied > base->applied)) {
          base = h;
        }
      }
    }
    Historic h{at, as_of, nullptr, nullptr};
    if (base) {
      auto unchanged = days.AllAfter(ledger, base->applied, at, as_of);
      if (!unchanged.ok()) return unchanged.error();
      if (*unchanged) {
        h.state = base->state;
        h.flags = base->flags;
        ++historic_reuses;
      }
    }
    if (!h.state) {
      auto end = days.FoldEnd(ledger, at, as_of);
      if (!end.ok()) return end.error();
      auto s = std::make_shared<State>();
      s->filter_as_of = as_of;
      FL_RETURN_IF_ERROR(Fold(ledger, *s, *end, nullptr));
      h.flags =
          std::make_shared<const std::vector<Flag>>(EvaluateFlags(*s, as_of));
      h.state = std::move(s);
      ++historic_folds;
      historic_folded += *end;
    }
    // States leaving the cache are freed after cache_mu is released: a
    // State of 1M entries took ~2 s to free before jemalloc and the string
    // pools (~0.1 s since, 1.6% of a replay's profile), and every read of
    // the live flags takes cache_mu (a max of 2.3 s beside historic folds,
    // before).
    std::vector<Historic> evicted;
    {
      std::lock_guard g(cache_mu);
      // A state at this as_of and an earlier seq: no read wants it now.
      for (auto it = historic.begin(); it != historic.end();) {
        if (it->as_of == as_of && it->applied < at) {
          evicted.push_back(std::move(*it));
          it = historic.erase(it);
        } else {
          ++it;
        }
      }
      if (historic.size() >= kHistoricCache) {
        evicted.push_back(std::move(historic.front()));
        historic.erase(historic.begin());
      }
      historic.push_back(h);
    }
    return h;
  }

  // An as_of before the newest date in the log (a valid one): WithView
  // answers it from a historic state, which may take a whole fold.
  bool IsHistoric(const std::string& as_of_text) const {
    auto d = ParseAsOf(as_of_text);
    if (!d.ok()) return false;
    const Day newest = newest_day.load();
    return newest != kNoDay && *d < newest;
  }

  // Caller holds `mu` shared when `h` is null.
  std::shared_ptr<const std::vector<Flag>> FlagsOf(const State& s, Day as_of,
                                                   const Historic* h) const {
    if (h) return h->flags;
    {
      std::lock_guard g(cache_mu);
      // The applier's newest judgement (AfterBatch), even when a
      // batch has been applied since.
      if (live_flags.flags && live_flags.applied <= s.next_seq &&
          live_flags.as_of == as_of) {
        return live_flags.flags;
      }
      if (asked_flags.applied == s.next_seq && asked_flags.as_of == as_of)
        return asked_flags.flags;
    }
    // Another as_of (or nothing judged yet): judged here, outside cache_mu
    // (~0.5 s at 1M entries, and every flags read takes that lock), and
    // kept for reads of the same (applied, as_of).
    auto judged =
        std::make_shared<const std::vector<Flag>>(EvaluateFlags(s, as_of));
    LiveFlags replaced;  // freed after the lock is released
    std::lock_guard g(cache_mu);
    replaced = std::exchange(asked_flags, LiveFlags{s.next_seq, as_of, judged});
    return judged;
  }
};

Projections::Projections(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Projections::~Projections() { Stop(); }

Result<std::unique_ptr<Projections>> Projections::Open(const Ledger& ledger,
                                                       const std::string& dir) {
  auto store = ProjectionStore::Open(dir, ledger.Info().origin);
  if (!store.ok()) return store.error();
  auto impl = std::make_unique<Impl>(ledger);
  impl->store = std::move(*store);
  FL_RETURN_IF_ERROR(impl->store->Load(
      impl->state,
      {&impl->history, &impl->balance_history, &impl->cap_history}));
  if (impl->state.next_seq > ledger.TreeSize()) {
    return Internal("projections are ahead of the log (" +
                    std::to_string(impl->state.next_seq) + " > " +
                    std::to_string(ledger.TreeSize()) + "): delete " + dir +
                    " to rebuild");
  }
  impl->applied = impl->state.next_seq;
  impl->folded = impl->state.next_seq;
  impl->newest_day = impl->state.newest_day;
  return std::unique_ptr<Projections>(new Projections(std::move(impl)));
}

void Projections::Start() {
  if (impl_->worker.joinable()) return;
  impl_->stop = false;
  impl_->worker = std::thread([this] { impl_->Run(); });
}

void Projections::Stop() {
  impl_->stop = true;
  if (impl_->worker.joinable()) impl_->worker.join();
}

Status Projections::CatchUp() {
  return impl_->ApplyUpTo(impl_->ledger.TreeSize(), /*force=*/true);
}

bool Projections::WaitApplied(std::uint64_t seq, int timeout_ms) const {
  std::unique_lock lock(impl_->applied_mu);
  return impl_->applied_cv.wait_for(
      lock, std::chrono::milliseconds(timeout_ms),
      [&] { return impl_->applied.load() > seq; });
}

std::vector<ProjectionStatus> Projections::Statuses() const {
  ProjectionStatus base;
  base.applied = impl_->applied.load();
  base.tree_size = impl_->ledger.TreeSize();
  if (base.applied < base.tree_size) {
    impl_->Saw(base.tree_size);
    base.lag_seconds = impl_->LagSeconds(base.applied);
  }
  {
    std::lock_guard g(impl_->error_mu);
    base.error = impl_->error;
  }
  // One worker maintains every projection in one write, so they share
  // the applied seq; they are listed by name for the reader.
  std::vector<ProjectionStatus> out;
  for (const char* name :
       {"accounts", "lots", "contracts", "payments", "stations", "vendors",
        "keys", "cap_bases", "policies", "flags"}) {
    ProjectionStatus p = base;
    p.name = name;
    out.push_back(p);
  }
  return out;
}

Json Projections::StatusJson() const {
  Json list = Json::array();
  for (const auto& p : Statuses()) {
    Json j = {
        {"name", p.name},
        {"worker", "funds"},
        {"applied_seq", p.applied == 0 ? Json(nullptr) : Json(p.applied - 1)},
        {"applied_entries", p.applied},
        {"tree_size", p.tree_size},
        {"lag_entries", p.tree_size - p.applied},
        {"lag_ms", static_cast<std::int64_t>(p.lag_seconds * 1000)}};
    if (!p.error.empty()) j["error"] = p.error;
    list.push_back(std::move(j));
  }
  return Json{{"projections", list}};
}

bool Projections::IsHistoric(const std::string& as_of) const {
  return !as_of.empty() && impl_->IsHistoric(as_of);
}

bool Projections::HistoryHolds(const std::string& as_of) const {
  auto d = ParseAsOf(as_of);
  // The three histories take and drop the same days.
  return d.ok() && impl_->history.Holds(*d);
}

Projections::HistoricStats Projections::historic_stats() const {
  const auto h = impl_->history.stats();
  const auto b = impl_->balance_history.stats();
  const auto c = impl_->cap_history.stats();
  return {impl_->historic_folds.load(),
          impl_->historic_folded.load(),
          impl_->historic_reuses.load(),
          impl_->days.known_blocks(),
          impl_->history_reads.load(),
          h.days,
          h.row_copies,
          impl_->balance_history_reads.load(),
          b.days,
          b.row_copies,
          impl_->cap_history_reads.load(),
          c.days,
          c.row_copies};
}

Projections::JudgeStats Projections::judge_stats() const {
  return {impl_->judgements.load(),
          static_cast<double>(impl_->judge_ns.load()) / 1e9,
          impl_->judged_seq.load()};
}

Result<Json> Projections::Flags(const FlagQuery& q) const {
  if (q.limit == 0 || q.limit > limits::kMaxFlagsPage) {
    return MakeError(
        Code::kInvalidArgument, "invalid_field",
        "limit must be 1.." + std::to_string(limits::kMaxFlagsPage), "/limit");
  }
  if (!q.severity.empty() && SeverityFromName(q.severity) < 0) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "unknown severity", "/severity");
  }
  const FlagFilter f{q.rule,   q.severity, q.division, q.status,
                     q.cursor, q.scope,    q.limit};
  Day day = kNoDay;
  if (auto flags = impl_->FromHistory(impl_->history, impl_->history_reads,
                                      q.as_of, &day))
    return FlagPage(*flags, f, day);
  return impl_->WithView(
      q.as_of,
      [&](const State& s, Day as_of, const Impl::Historic* h) -> Result<Json> {
        return FlagPage(*impl_->FlagsOf(s, as_of, h), f, as_of);
      });
}

namespace {

// A review entry as the flag page shows it: who, when, what they decided.
Json ReviewRow(std::uint64_t seq, const Json& entry) {
  const Json& ev = entry.at("event");
  const Json& d = ev.at("data");
  const std::string at = ev.value("occurred_at", std::string());
  auto text = [&](const char* k) {
    return d.contains(k) && d[k].is_string() ? d[k] : Json(nullptr);
  };
  return Json{{"seq", seq},
              {"type", ev.value("type", std::string())},
              {"date", at.substr(0, 10)},
              {"agency", ev.value("agency", std::string())},
              {"status", text("status")},
              {"doc_no", text("doc_no")},
              {"note", text("note")}};
}

}  // namespace

Result<Json> Projections::FlagById(const std::string& flag_id,
                                   const std::string& scope,
                                   const std::string& as_of_text) const {
  // The page's head: the flag at as_of, or why there is none to show.
  auto head = [&](const Flag* f, Day as_of) -> Result<Json> {
    if (!f)
      return MakeError(Code::kNotFound, "not_found", "no flag " + flag_id);
    if (!scope.empty() && !DivisionWithin(f->finding.division, scope))
      return MakeError(Code::kPermissionDenied, "out_of_scope",
                       "flag outside the token's scope");
    return FlagJson(*f, as_of);
  };
  std::vector<std::uint64_t> review_seqs;
  auto day = impl_->FlagFromHistory(flag_id, as_of_text, &review_seqs);
  Result<Json> found =
      day ? head(day->flag ? &*day->flag : nullptr, day->day)
          : impl_->WithView(as_of_text,
                            [&](const State& s, Day as_of,
                                const Impl::Historic* h) -> Result<Json> {
                              auto flags = impl_->FlagsOf(s, as_of, h);
                              auto it = std::lower_bound(
                                  flags->begin(), flags->end(), flag_id,
                                  [](const Flag& x, const std::string& id) {
                                    return x.flag_id < id;
                                  });
                              const bool hit =
                                  it != flags->end() && it->flag_id == flag_id;
                              if (hit) review_seqs = ReviewSeqs(s, flag_id);
                              return head(hit ? &*it : nullptr, as_of);
                            });
  if (!found.ok()) return found;
  Json out = std::move(*found);
  // Evidence and review entries come from applied entries, so each is in
  // the log: a failed read is a fault to report, not an entry to leave
  // out. An entry outside the token's scope is withheld, not dropped.
  auto read = [&](std::uint64_t n, Json* entry) -> Result<bool> {
    auto text = impl_->ledger.EntryAt(n);
    if (!text.ok()) return text.error();
    if (!scope.empty()) {
      auto div = impl_->ledger.EntryDivision(n);
      if (!div.ok()) return div.error();
      if (!DivisionWithin(*div, scope)) return false;
    }
    *entry = Json::parse(*text);
    return true;
  };
  Json entries = Json::array();
  for (const auto& seq : out["evidence"]) {
    std::uint64_t n = seq.get<std::uint64_t>();
    Json entry;
    auto visible = read(n, &entry);
    if (!visible.ok()) return visible.error();
    if (!*visible) {
      entries.push_back({{"seq", n}, {"withheld", "out_of_scope"}});
      continue;
    }
    entries.push_back({{"seq", n}, {"entry", std::move(entry)}});
  }
  out["entries"] = std::move(entries);
  Json reviews = Json::array();
  for (std::uint64_t n : review_seqs) {
    Json entry;
    auto visible = read(n, &entry);
    if (!visible.ok()) return visible.error();
    reviews.push_back(*visible
                          ? ReviewRow(n, entry)
                          : Json{{"seq", n}, {"withheld", "out_of_scope"}});
  }
  out["reviews"] = std::move(reviews);
  return out;
}

Result<Json> Projections::Balances(const BalanceQuery& q) const {
  const BalanceFilter f{q.division, q.fund, q.program, q.fiscal_year, q.scope};
  Day day = kNoDay;
  if (auto rows = impl_->FromHistory(
          impl_->balance_history, impl_->balance_history_reads, q.as_of, &day))
    return Json{{"balances", BalanceArray(*rows, f)}};
  return impl_->WithView(
      q.as_of, [&](const State& s, Day, const Impl::Historic*) -> Result<Json> {
        return fl::replay::Balances(s, f);
      });
}

Result<Json> Projections::LotById(const std::string& id,
                                  const std::string& scope) const {
  return impl_->WithView(
      "",
      [&](const State& s, Day as_of, const Impl::Historic*) -> Result<Json> {
        std::string division;
        auto j = LotView(s, id, as_of, &division);
        if (j.ok() && !scope.empty() && !DivisionWithin(division, scope))
          return MakeError(Code::kPermissionDenied, "out_of_scope",
                           "lot outside the token's scope");
        return j;
      });
}

Result<Json> Projections::ContractById(const std::string& id,
                                       const std::string& scope) const {
  return impl_->WithView(
      "", [&](const State& s, Day, const Impl::Historic*) -> Result<Json> {
        std::string division;
        auto j = ContractView(s, id, &division);
        if (j.ok() && !scope.empty() && !DivisionWithin(division, scope))
          return MakeError(Code::kPermissionDenied, "out_of_scope",
                           "contract outside the token's scope");
        return j;
      });
}

Result<Json> Projections::Caps(const CapQuery& q) const {
  const CapFilter f{q.division, q.fiscal_year, q.scope};
  Day day = kNoDay;
  if (auto rows = impl_->FromHistory(impl_->cap_history,
                                     impl_->cap_history_reads, q.as_of, &day))
    return CapReport(*rows, f, day);
  return impl_->WithView(
      q.as_of,
      [&](const State& s, Day as_of, const Impl::Historic*) -> Result<Json> {
        return CapReport(s, f, as_of);
      });
}

Result<Json> Projections::Lots(const ListQuery& q) const {
  return impl_->WithView(
      q.as_of,
      [&](const State& s, Day as_of, const Impl::Historic*) -> Result<Json> {
        ListFilter f{q.division, q.fund,        q.program, q.cursor,
                     q.scope,    q.fiscal_year, q.limit};
        return LotPage(s, f, as_of);
      });
}

Result<Json> Projections::Contracts(const ListQuery& q) const {
  return impl_->WithView(
      q.as_of,
      [&](const State& s, Day as_of, const Impl::Historic*) -> Result<Json> {
        ListFilter f{q.division, q.fund,        q.program, q.cursor,
                     q.scope,    q.fiscal_year, q.limit};
        return ContractPage(s, f, as_of);
      });
}

Result<Json> ReplayLedger(const Ledger& ledger, const ReplayOptions& options,
                          ReplaySummary* summary) {
  auto t0 = std::chrono::steady_clock::now();
  std::uint64_t size = ledger.TreeSize();
  std::uint64_t end = size;
  if (options.until_seq) {
    if (*options.until_seq >= size) {
      return MakeError(Code::kInvalidArgument, "tree_size_out_of_range",
                       "--until-seq past the last seq " +
                           std::to_string(size == 0 ? 0 : size - 1));
    }
    end = *options.until_seq + 1;
  }
  std::optional<Day> asked;
  if (!options.as_of.empty()) {
    auto d = ParseAsOf(options.as_of);
    if (!d.ok()) return d.error();
    asked = *d;
  }
  // A fresh place: memory, or a new store when a scratch dir is given.
  std::unique_ptr<ProjectionStore> store;
  if (!options.scratch_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(options.scratch_dir, ec);
    auto opened =
        ProjectionStore::Open(options.scratch_dir, ledger.Info().origin);
    if (!opened.ok()) return opened.error();
    store = std::move(*opened);
  }
  State s;
  if (asked) s.filter_as_of = *asked;
  FL_RETURN_IF_ERROR(Fold(ledger, s, end, store.get()));
  const Day as_of = asked ? *asked : DefaultAsOf(s);
  std::vector<fl::replay::Flag> flags = EvaluateFlags(s, as_of);
  Json flag_list = Json::array();
  for (const auto& f : flags) flag_list.push_back(FlagJson(f, as_of));
  if (summary) {
    summary->entries = end;
    summary->flags = flags.size();
    for (const auto& f : flags) ++summary->flags_by_rule[f.finding.rule];
    summary->seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();
  }
  return Json{{"as_of", FormatDay(as_of)},
              {"until_seq", end == 0 ? Json(nullptr) : Json(end - 1)},
              {"balances", BalanceArray(BalanceRows(s), BalanceFilter{})},
              {"flags", std::move(flag_list)}};
}

}  // namespace fl::replay
