#include "ledger/ledger.h"

#include <rocksdb/write_batch.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "crypto/check.h"
#include "crypto/encoding.h"
#include "crypto/key_file.h"
#include "crypto/signed_note.h"
#include "ledger/checkpoint.h"
#include "ledger/entry.h"
#include "ledger/envelope.h"
#include "ledger/event_schema.h"
#include "ledger/index_records.h"
#include "ledger/limits.h"
#include "ledger/merkle.h"
#include "ledger/mirror_key.h"
#include "ledger/node_store.h"
#include "ledger/overlay.h"
#include "ledger/public_key_cache.h"
#include "ledger/store.h"
#include "ledger/validator.h"
#include "ledger/wakeup.h"

namespace fl {
namespace {

constexpr std::string_view kMetaName = "name";
constexpr std::string_view kMetaAdmin = "admin_agency";
constexpr std::string_view kMetaTreeSize = "tree_size";
constexpr std::string_view kMetaCheckpoint = "checkpoint";
// Every group signs a checkpoint for its receipts; the newest is kept in
// meta, and one whenever the size crosses a multiple of this is kept for
// good, so `verify` checks a bounded number of signatures per entry.
constexpr std::uint64_t kCheckpointEvery = 1024;
// The leader keeps its WriteBatch's buffer up to this size between groups.
constexpr std::size_t kKeptBatchBytes = 64 << 20;
// A thread that leads may commit the next group itself instead of waking
// the synchronous writer at the queue's front to do it. Handing over is a
// wake-up and then a wait for a core, both on the serial path: with 64
// producers keeping 2 cores busy, carrying on gave +6-40% appends/s
// (bench --only append, noisy). But when few writers wait, the front
// writer's core is idle and handing over lets this thread go back to
// preparing its next batch: two threads appending batches of 1000 (the
// bench's trusted batches) lost 25% when the leader always carried on. So it
// carries on only while more writers wait than there are cores, and for at most
// this many groups, so its own caller is not held behind an endless queue.
constexpr int kMaxGroupsPerLeader = 64;

// CPU time of the calling thread, for AppendStats.
std::uint64_t ThreadCpuNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

Error OutOfRange(std::string detail) {
  return MakeError(Code::kInvalidArgument, "tree_size_out_of_range",
                   std::move(detail));
}

// The latest occurred_at LEDGER.md 1 allows now (the clock plus a day), as
// text. Every Prepare compares with it and it changes once a second, so
// each thread formats it once a second: gmtime_r and snprintf per event
// were ~3,400 instructions (callgrind, docs/PERFORMANCE.md).
const std::string& LatestOccurredAt() {
  thread_local std::time_t formatted_for = -1;
  thread_local std::string text;
  const std::time_t t = std::chrono::system_clock::to_time_t(
      std::chrono::system_clock::now() + limits::kMaxOccurredAtAhead);
  if (t != formatted_for) {
    text = FormatTimestamp(t);
    formatted_for = t;
  }
  return text;
}

}  // namespace

struct Ledger::Impl {
  // A caller in the group-commit queue (LevelDB's writer queue: the front
  // writer commits for everyone queued behind it). A synchronous writer is
  // a thread waiting on `wake`; an asynchronous one (AppendAsync) is owned by
  // the queue, holds its units, and no thread waits for it: whoever leads
  // calls `on_done` and frees it.
  struct Writer {
    std::vector<std::vector<PreparedEvent>>* units = nullptr;
    bool stop_on_error = false;
    std::vector<UnitResult> results;
    bool done = false;
    // A synchronous writer sleeps here until it is answered (`done`) or made
    // the queue's front to lead. It is posted after queue_mu is unlocked,
    // so the woken thread does not at once queue for the mutex its waker
    // still holds: with condition variables signalled under the lock,
    // those hand-offs were ~30% of the CPU of 64 producers on a VM where a
    // futex call costs ~1 us (perf, docs/PERFORMANCE.md).
    Wakeup wake;
    std::vector<std::vector<PreparedEvent>> owned_units;  // async only
    AppendDone on_done;                                   // async only
    bool async() const { return static_cast<bool>(on_done); }
  };

  std::unique_ptr<Store> store;
  LedgerOptions options;
  PrivateKey ledger_key;
  // A mirror signs nothing: it checks the origin's notes with this key.
  std::optional<NoteVerifier> mirror_key;
  LedgerInfo info;  // tree_size kept in `tree_size` below

  // Invariant: while the queue is not empty, one thread leads (commits
  // groups from its front), or a leader has been launched (AppendAsync),
  // or its front writer is synchronous and has been woken to lead. So an
  // async writer that finds the queue empty starts a leader, and one that
  // finds it non-empty is sure to be committed by one.
  std::mutex queue_mu;
  std::deque<Writer*> queue;
  // When more writers than this wait, the leader carries on (Lead).
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());

  // Leader-only state: touched by one committing thread at a time.
  CompactRange range;
  Hash prev_leaf{};
  std::string last_recorded_at;
  RowCache row_cache;  // committed index rows (overlay.h)
  // The group's rows, reused from group to group: a batch of a thousand
  // entries is ~1 MB, and a new one regrew its buffer by doubling, each
  // step a copy into fresh pages (~15% of Commit's samples under
  // bench-http, docs/PERFORMANCE.md). Clear() keeps the capacity.
  rocksdb::WriteBatch group_batch;

  // Keys Prepare has read, by key_id (public_key_cache.h).
  PublicKeyCache prepare_keys{limits::kMaxCachedPublicKeys};

  std::atomic<std::uint64_t> tree_size{0};
  // Wakes projection workers waiting for new entries.
  mutable std::mutex growth_mu;
  mutable std::condition_variable growth_cv;
  mutable std::mutex stats_mu;
  AppendStats stats;
  mutable std::shared_mutex checkpoint_mu;
  std::string checkpoint;

  // The error of the last group write while none has succeeded since:
  // appends (and /healthz) try the store again instead of giving up.
  mutable std::mutex fault_mu;
  mutable std::optional<Error> storage_fault;
  mutable std::chrono::steady_clock::time_point last_probe{};
  // Set between a group's successful write and the leader state catching
  // up with it: an exception there would leave memory behind the store.
  bool written_not_applied = false;

  void SetFault(std::optional<Error> fault) const {
    std::lock_guard g(fault_mu);
    storage_fault = std::move(fault);
  }
  bool HasFault() const {
    std::lock_guard g(fault_mu);
    return storage_fault.has_value();
  }
  Status WriteGroup(rocksdb::WriteBatch* batch, std::uint64_t entries);
  void FailGroup(const std::vector<Writer*>& group, const Error& error);

  // The answer to every unit when this ledger takes no appends
  // (read-only, or a mirror), else nothing.
  std::optional<std::vector<UnitResult>> Refusal(
      const std::vector<std::vector<PreparedEvent>>& units) const;
  std::vector<UnitResult> Enqueue(
      std::vector<std::vector<PreparedEvent>>& units, bool stop_on_error);
  // Commits groups from the queue's front while there is one no thread
  // waits for. Called holding `lock` by the one leader: a synchronous
  // writer at the front, or the caller (or the task `launch` ran) of an
  // async writer that found the queue empty. Returns with `lock` released.
  // `self` is the leading synchronous writer, or null for an async lead.
  void Lead(std::unique_lock<std::mutex>& lock, Writer* self);
  void Commit(const std::vector<Writer*>& group);
  Result<std::pair<Hash, std::string>> StoredLeaf(std::uint64_t seq) const;
};

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ledger::~Ledger() = default;

Result<std::unique_ptr<Ledger>> Ledger::Open(const std::string& dir,
                                             const LedgerOptions& options) {
  auto mirror_key = ReadMirrorKey(dir);
  if (!mirror_key.ok()) return mirror_key.error();
  std::optional<PrivateKey> key;
  if (!*mirror_key) {
    auto read = ReadPrivateKeyFile(dir + "/ledger.pem");
    if (!read.ok()) return read.error();
    key = *read;
  }
  auto store = Store::Open(dir, options.read_only ? Store::Mode::kReadOnly
                                                  : Store::Mode::kReadWrite);
  if (!store.ok()) return store.error();
  auto impl = std::make_unique<Impl>();
  impl->store = std::move(*store);
  impl->options = options;
  if (key) impl->ledger_key = *key;
  impl->mirror_key = *mirror_key;
  bool found = false;
  auto name = impl->store->Get(Store::kMeta, kMetaName, &found);
  if (!name.ok()) return name.error();
  if (!found) return Internal("not a fundledger ledger: " + dir);
  auto admin = impl->store->Get(Store::kMeta, kMetaAdmin, &found);
  if (!admin.ok()) return admin.error();
  auto size = impl->store->Get(Store::kMeta, kMetaTreeSize, &found);
  if (!size.ok()) return size.error();
  std::uint64_t n = found ? DecodeSeq(*size) : 0;

  LedgerInfo& info = impl->info;
  info.name = *name;
  info.origin = OriginFor(info.name);
  const PublicKey public_key = impl->mirror_key ? impl->mirror_key->public_key
                                                : impl->ledger_key.public_key();
  info.verifier_key = VerifierKeyString(info.origin, public_key);
  if (impl->mirror_key && info.origin != impl->mirror_key->name) {
    return DataLoss(dir + ": mirror of " + impl->mirror_key->name +
                    " holds ledger " + info.origin);
  }
  info.admin_agency = *admin;

  StoredNodes nodes(*impl->store);
  auto range = CompactRange::Load(nodes, n);
  if (!range.ok()) return range.error();
  impl->range = std::move(*range);
  impl->tree_size = n;
  if (n > 0) {
    auto last = impl->StoredLeaf(n - 1);
    if (!last.ok()) return last.error();
    impl->prev_leaf = last->first;
    impl->last_recorded_at = last->second;
    auto cp = impl->store->Get(Store::kMeta, kMetaCheckpoint, &found);
    if (!cp.ok()) return cp.error();
    if (!found)
      return DataLoss("no checkpoint for tree size " + std::to_string(n));
    impl->checkpoint = *cp;
  } else if (!impl->mirror_key) {
    impl->checkpoint = SignCheckpoint(Checkpoint{info.origin, 0, EmptyRoot()},
                                      impl->ledger_key);
  }  // an empty mirror has no checkpoint until its first copy
  return std::make_unique<Ledger>(std::move(impl));
}

Result<InitResult> Ledger::Init(const std::string& dir,
                                const InitOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (options.name.empty() ||
      options.name.find_first_of(" \n\t+") != std::string::npos) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "ledger name must be non-empty, without spaces or '+'");
  }
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     dir + " exists and is not empty");
  }
  fs::create_directories(dir, ec);
  if (ec) return Internal("cannot create " + dir + ": " + ec.message());
  // The directory holds the private keys: a failed chmod must not leave them
  // readable by others unnoticed.
  if (::chmod(dir.c_str(), 0700) != 0) {
    return Internal("cannot chmod 0700 " + dir + ": " + std::strerror(errno));
  }

  InitResult out;
  out.ledger_key_file = dir + "/ledger.pem";
  out.admin_key_file = dir + "/admin.pem";
  PrivateKey ledger_key = PrivateKey::Generate();
  PrivateKey admin_key = PrivateKey::Generate();
  FL_RETURN_IF_ERROR(WritePrivateKeyFile(out.ledger_key_file, ledger_key));
  FL_RETURN_IF_ERROR(WritePrivateKeyFile(out.admin_key_file, admin_key));
  {
    auto store = Store::Open(dir, Store::Mode::kCreate);
    if (!store.ok()) return store.error();
    rocksdb::WriteBatch batch;
    batch.Put((*store)->cf(Store::kMeta), std::string(kMetaName), options.name);
    batch.Put((*store)->cf(Store::kMeta), std::string(kMetaAdmin), "admin");
    FL_RETURN_IF_ERROR((*store)->Write(&batch, true));
  }
  auto ledger = Open(dir);
  if (!ledger.ok()) return ledger.error();

  Json event = {
      {"id", "genesis"},
      {"type", "agency.registered"},
      {"agency", "admin"},
      {"occurred_at", NowTimestamp()},
      {"data",
       {{"agency", "admin"},
        {"name", options.name + " ledger administrator"},
        {"kind", "admin"},
        {"division_code", options.division},
        {"public_key", Base64Encode(AsBytes(admin_key.public_key()))}}}};
  Json envelope = SignEnvelope(event, admin_key, (*ledger)->Info().origin);
  UnitResult r =
      (*ledger)->AppendOne((*ledger)->PrepareParsed(std::move(envelope)));
  if (!r.ok()) return r.errors.front().error;
  out.info = (*ledger)->Info();
  return out;
}

PreparedEvent Ledger::Prepare(std::string_view envelope_json) const {
  JsonLimits json_limits;
  json_limits.max_depth = limits::kMaxEnvelopeDepth;
  auto parsed = ParseStrict(envelope_json, json_limits);
  if (!parsed.ok()) {
    PreparedEvent e;
    e.error = parsed.error();
    return e;
  }
  return PrepareParsed(std::move(*parsed));
}

PreparedEvent Ledger::PrepareParsed(Json envelope) const {
  PreparedEvent e;
  Status s = ValidateEnvelope(envelope, &e.canonical_event);
  if (!s.ok()) {
    e.error = s.error();
    return e;
  }
  const Json& event = envelope["event"];
  s = CheckOccurredAt(event["occurred_at"].get_ref<const std::string&>(),
                      LatestOccurredAt());
  if (!s.ok()) {
    e.error = s.error();
    return e;
  }
  e.id = event["id"].get<std::string>();
  e.type = event["type"].get<std::string>();
  e.agency = event["agency"].get<std::string>();
  e.key_id = envelope["signature"]["key_id"].get<std::string>();
  // ValidateEnvelope made the canonical event for its size check.
  FL_CHECK(!e.canonical_event.empty(), "a valid envelope without an event");
  e.canonical_signature = Canonicalize(envelope["signature"]);
  auto sig = Base64Decode(envelope["signature"]["sig"].get<std::string>());
  if (sig && sig->size() == 64) std::memcpy(e.sig.data(), sig->data(), 64);
  Sha256Hasher h;
  h.Update("{\"event\":");
  h.Update(e.canonical_event);
  h.Update(",\"signature\":");
  h.Update(e.canonical_signature);
  h.Update("}");
  e.envelope_hash = h.Final();
  e.envelope = std::move(envelope);

  // Do the expensive arithmetic here, in parallel, when the key is already
  // registered; sequencing only re-checks that the key is still valid.
  if (impl_->options.check_signatures) {
    std::optional<PublicKey> key = impl_->prepare_keys.Find(e.key_id);
    if (!key) {
      bool found = false;
      auto row = impl_->store->Get(Store::kIndex, KeyKey(e.key_id), &found);
      auto rec = row.ok() && found ? DecodeKey(*row) : std::nullopt;
      auto raw = rec ? Base64Decode(rec->public_key_b64) : std::nullopt;
      if (raw && raw->size() == 32) {
        key.emplace();
        std::memcpy(key->data(), raw->data(), 32);
        // Rows are keyed by their key's id; keep only a row that says so.
        if (KeyId(*key) == e.key_id) impl_->prepare_keys.Keep(e.key_id, *key);
      }
    }
    if (key) {
      e.checked_with = *key;
      e.sig_check =
          Ed25519Verify(e.checked_with,
                        SignedMessage(impl_->info.origin, e.canonical_event),
                        AsBytes(e.sig))
              ? PreparedEvent::SigCheck::kValid
              : PreparedEvent::SigCheck::kInvalid;
    }
  }
  return e;
}

std::vector<UnitResult> Ledger::Append(
    std::vector<std::vector<PreparedEvent>> units, bool stop_on_error) {
  return impl_->Enqueue(units, stop_on_error);
}

UnitResult Ledger::AppendOne(PreparedEvent event) {
  std::vector<std::vector<PreparedEvent>> units(1);
  units[0].push_back(std::move(event));
  return std::move(impl_->Enqueue(units, false).front());
}

std::optional<std::vector<UnitResult>> Ledger::Impl::Refusal(
    const std::vector<std::vector<PreparedEvent>>& units) const {
  if (!options.read_only && !mirror_key) return std::nullopt;
  const Error error =
      options.read_only
          ? MakeError(Code::kFailedPrecondition, "read_only",
                      "ledger opened read-only: append refused")
          : MakeError(Code::kPermissionDenied, "read_only_mirror",
                      "this is a read-only mirror of " + info.origin +
                          ": append to the origin ledger");
  std::vector<UnitResult> refused(units.size());
  for (std::size_t i = 0; i < units.size(); ++i) {
    for (std::size_t j = 0; j < units[i].size(); ++j) {
      refused[i].errors.push_back({j, error});
    }
  }
  return refused;
}

std::vector<UnitResult> Ledger::Impl::Enqueue(
    std::vector<std::vector<PreparedEvent>>& units, bool stop_on_error) {
  if (auto refused = Refusal(units)) return std::move(*refused);
  Writer w;
  w.units = &units;
  w.stop_on_error = stop_on_error;
  std::unique_lock lock(queue_mu);
  queue.push_back(&w);
  if (&w != queue.front()) {
    lock.unlock();
    // A leader wrote `done` and the results before its Post.
    w.wake.Wait();
    if (w.done) return std::move(w.results);
    lock.lock();
    FL_CHECK(&w == queue.front(), "a writer woken to lead is not the front");
  }
  Lead(lock, &w);
  FL_CHECK(w.done, "the leader's own writer was not committed");
  return std::move(w.results);
}

void Ledger::AppendAsync(std::vector<std::vector<PreparedEvent>> units,
                         bool stop_on_error, AppendDone done,
                         const Launch& launch) {
  FL_CHECK(static_cast<bool>(done), "AppendAsync needs a callback");
  if (auto refused = impl_->Refusal(units)) return done(std::move(*refused));
  auto w = std::make_unique<Impl::Writer>();
  w->owned_units = std::move(units);
  w->units = &w->owned_units;
  w->stop_on_error = stop_on_error;
  w->on_done = std::move(done);
  std::unique_lock lock(impl_->queue_mu);
  // An empty queue has no leader (the invariant at queue_mu): lead, or
  // have `launch` start one. Until it starts, the queue is not empty, so
  // no other caller leads; its front is this writer, which only a leader
  // removes.
  const bool lead = impl_->queue.empty();
  impl_->queue.push_back(w.release());
  if (!lead) return;
  if (!launch) return impl_->Lead(lock, nullptr);
  lock.unlock();
  Impl* impl = impl_.get();
  launch([impl] {
    std::unique_lock relock(impl->queue_mu);
    impl->Lead(relock, nullptr);
  });
}

void Ledger::Impl::Lead(std::unique_lock<std::mutex>& lock, Writer* self) {
  // Groups led so far, counted up to the bound only: an async leader may
  // lead for as long as the server runs, and an int must not overflow.
  for (int led = 1;; led = std::min(led + 1, kMaxGroupsPerLeader)) {
    // Take the writers queued so far, up to the group's event bound.
    std::vector<Writer*> group;
    std::size_t events = 0;
    for (Writer* x : queue) {
      std::size_t n = 0;
      for (const auto& u : *x->units) n += u.size();
      if (!group.empty() && events + n > limits::kMaxGroupEvents) break;
      group.push_back(x);
      events += n;
    }
    lock.unlock();
    // Whatever happens in Commit, the group's callers get an answer and
    // the leader leaves the queue: a throw must not hang later appends.
    const std::uint64_t cpu0 = ThreadCpuNs();
    try {
      Commit(group);
    } catch (const std::exception& e) {
      FailGroup(group,
                Internal(std::string("group commit failed: ") + e.what()));
    } catch (...) {
      FailGroup(group, Internal("group commit failed: unknown exception"));
    }
    {
      std::lock_guard g(stats_mu);
      stats.leader_cpu_ns += ThreadCpuNs() - cpu0;
    }
    std::vector<std::unique_ptr<Writer>> answered;  // async ones
    std::vector<Writer*> waiting;                   // sync ones, not self
    lock.lock();
    for (Writer* x : group) {
      FL_CHECK(queue.front() == x, "group commit queue out of order");
      queue.pop_front();
      x->done = true;
      if (x->async()) {
        answered.emplace_back(x);
      } else if (x != self) {
        waiting.push_back(x);
      }
    }
    // This thread carries on while it may (kMaxGroupsPerLeader; an async
    // front has no thread to lead, so then it always does); else the
    // synchronous front leads.
    const bool carry_on =
        !queue.empty() && (queue.front()->async() ||
                           (queue.size() > cores && led < kMaxGroupsPerLeader));
    Writer* next_leader = !queue.empty() && !carry_on ? queue.front() : nullptr;
    lock.unlock();
    // Outside the lock: only a leader pops the queue, and the next one is
    // `next_leader` itself, so it stays queued until woken. Woken first,
    // it commits the next group while this thread answers the last one.
    // Nothing here touches a writer after its Post (it may be gone).
    if (next_leader) next_leader->wake.Post();
    for (Writer* x : waiting) x->wake.Post();
    for (auto& x : answered) {
      try {
        x->on_done(std::move(x->results));
      } catch (...) {
        // The entries are stored and the leader must go on; the caller's
        // contract (ledger.h) says `done` does not throw.
      }
    }
    if (!carry_on) return;
    lock.lock();
  }
}

void Ledger::Impl::FailGroup(const std::vector<Writer*>& group,
                             const Error& error) {
  // Before the write nothing is stored and the leader state is untouched
  // (Commit only changes it after a successful write). After it, memory
  // would no longer match the store: stop, and Open reloads from the store.
  FL_CHECK(!written_not_applied,
           "group commit threw after its write: ", error.detail);
  std::uint64_t units = 0;
  for (Writer* w : group) {
    w->results.assign(w->units->size(), UnitResult{});
    for (UnitResult& res : w->results) res.errors.push_back({0, error});
    units += w->results.size();
  }
  std::lock_guard lock(stats_mu);
  stats.refused_units += units;
}

Status Ledger::Impl::WriteGroup(rocksdb::WriteBatch* batch,
                                std::uint64_t entries) {
  // After a failed write RocksDB refuses writes until its background error
  // is cleared; try that first so appends resume once the disk recovers.
  // While it cannot be cleared yet (RocksDB's own recovery waits for free
  // space), the answer names the write's error, not the retry's.
  if (HasFault() && !store->Recover().ok()) {
    std::lock_guard g(fault_mu);
    if (storage_fault) return *storage_fault;
  }
  if (options.before_group_write) {
    FL_RETURN_IF_ERROR(options.before_group_write(entries));
  }
  const auto t0 = std::chrono::steady_clock::now();
  Status s = store->Write(batch, /*sync=*/true);
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now() - t0)
                      .count();
  std::lock_guard g(stats_mu);
  stats.write_wall_ns += static_cast<std::uint64_t>(ns);
  return s;
}

Result<std::pair<Hash, std::string>> Ledger::Impl::StoredLeaf(
    std::uint64_t seq) const {
  bool found = false;
  auto entry = store->Get(Store::kEntries, EncodeSeq(seq), &found);
  if (!entry.ok()) return entry.error();
  if (!found) return DataLoss("entry " + std::to_string(seq) + " missing");
  auto view = ScanEntry(*entry);
  if (!view.ok()) return view.error();
  return std::make_pair(LeafHash(*entry), std::string(view->recorded_at));
}

void Ledger::Impl::Commit(const std::vector<Writer*>& group) {
  Overlay group_view(*store, nullptr, &row_cache);
  std::uint64_t next = tree_size.load();
  const std::uint64_t start = next;
  CompactRange new_range = range;
  Hash prev = prev_leaf;
  // recorded_at never goes backwards, even if the clock does.
  std::string recorded_at = std::max(NowTimestamp(), last_recorded_at);
  rocksdb::WriteBatch& batch = group_batch;
  batch.Clear();
  // A rare huge group should not pin its buffer for the process's life.
  if (batch.Data().capacity() > kKeptBatchBytes) batch = rocksdb::WriteBatch();
  std::unordered_map<std::uint64_t, Hash> new_leaves;
  std::vector<Receipt*> receipts;

  for (Writer* w : group) {
    bool stopped = false;
    for (auto& unit : *w->units) {
      UnitResult& res = w->results.emplace_back();
      if (stopped) continue;
      Overlay unit_view(*store, &group_view);
      std::vector<Decision> decisions;
      // Leaf and time of repeats stored before this group, read now so a
      // failed read refuses the unit before anything is written (never a
      // receipt with a zero leaf hash).
      std::unordered_map<std::size_t, std::pair<Hash, std::string>> earlier;
      std::uint64_t seq = next;
      for (std::size_t i = 0; i < unit.size(); ++i) {
        const PreparedEvent& e = unit[i];
        if (e.error) {
          res.errors.push_back({i, *e.error});
          continue;
        }
        auto d = CheckAndApply(e, seq, unit_view, options.check_signatures,
                               info.origin);
        if (!d.ok()) {
          res.errors.push_back({i, d.error()});
          continue;
        }
        if (d->repeat && d->first_seq < start) {
          auto stored = StoredLeaf(d->first_seq);
          if (!stored.ok()) {
            res.errors.push_back({i, stored.error()});
            continue;
          }
          earlier[i] = std::move(*stored);
        }
        if (!d->repeat) ++seq;
        decisions.push_back(*d);
      }
      if (!res.errors.empty()) {
        stopped = w->stop_on_error;
        continue;
      }
      unit_view.MergeInto(group_view);
      for (std::size_t i = 0; i < unit.size(); ++i) {
        const PreparedEvent& e = unit[i];
        Receipt& r = res.receipts.emplace_back();
        r.event_id = e.id;
        if (decisions[i].repeat) {
          r.repeat = true;
          r.seq = decisions[i].first_seq;
          if (auto it = earlier.find(i); it != earlier.end()) {
            r.leaf_hash = it->second.first;
            r.recorded_at = it->second.second;
          }
          continue;  // a repeat from this group: leaf and time filled below
        }
        std::string entry = BuildEntry(
            next, prev, recorded_at, e.canonical_event, e.canonical_signature);
        Hash leaf = LeafHash(entry);
        batch.Put(store->cf(Store::kEntries), EncodeSeq(next), entry);
        batch.Put(store->cf(Store::kIndex), EntryDivisionKey(next),
                  decisions[i].division);
        new_range.Append(
            leaf, [&](unsigned level, std::uint64_t index, const Hash& h) {
              batch.Put(store->cf(Store::kTree), TreeKey(level, index),
                        rocksdb::Slice(reinterpret_cast<const char*>(h.data()),
                                       h.size()));
            });
        r.seq = next;
        r.leaf_hash = leaf;
        r.recorded_at = recorded_at;
        new_leaves[next] = leaf;
        prev = leaf;
        ++next;
      }
      FL_CHECK(next == seq, "unit stored up to seq ", next,
               " but its checks counted ", seq);
    }
    for (auto& res : w->results) {
      for (auto& r : res.receipts) receipts.push_back(&r);
    }
  }

  FL_CHECK(new_range.size() == next, "tree size ", new_range.size(),
           " after appending up to seq ", next);
  std::string note;
  if (next > start) {
    for (const auto& [key, value] : group_view.rows()) {
      batch.Put(store->cf(static_cast<Store::Family>(key.first)), key.second,
                value);
    }
    batch.Put(store->cf(Store::kMeta), std::string(kMetaTreeSize),
              EncodeSeq(next));
    note = SignCheckpoint(Checkpoint{info.origin, next, new_range.Root()},
                          ledger_key);
    batch.Put(store->cf(Store::kMeta), std::string(kMetaCheckpoint), note);
    if (next / kCheckpointEvery != start / kCheckpointEvery || start == 0) {
      batch.Put(store->cf(Store::kCheckpoints), EncodeSeq(next), note);
    }
    Status s = WriteGroup(&batch, next - start);
    if (!s.ok()) {
      // Nothing was stored (a WriteBatch is atomic) and the leader state
      // is unchanged: every unit that would have been stored is refused.
      // Only a failed write is a storage fault; a corrupt store is not
      // something a retry fixes, but it is reported the same way here.
      SetFault(s.error());
      for (Writer* w : group) {
        for (auto& res : w->results) {
          if (res.receipts.empty()) continue;
          res.receipts.clear();
          res.errors.push_back({0, s.error()});
        }
      }
      return;
    }
    written_not_applied = true;
    SetFault(std::nullopt);
    for (const auto& [key, value] : group_view.rows()) {
      if (key.first == Store::kIndex && IsIdentityRow(key.second)) {
        row_cache.Keep(key.second, value);
      }
    }
    range = std::move(new_range);
    prev_leaf = prev;
    last_recorded_at = recorded_at;
    {
      std::unique_lock lock(checkpoint_mu);
      checkpoint = note;
    }
    {
      std::lock_guard g(growth_mu);
      tree_size.store(next);
    }
    growth_cv.notify_all();
    written_not_applied = false;
  } else {
    std::shared_lock lock(checkpoint_mu);
    note = checkpoint;
  }

  {
    std::lock_guard lock(stats_mu);
    std::uint64_t n = next - start;
    if (n > 0) {
      ++stats.groups;
      stats.entries += n;
      std::size_t b = 0;
      while (b + 1 < stats.group_size_buckets.size() && (1ull << b) < n) ++b;
      ++stats.group_size_buckets[b];
    }
    for (Writer* w : group) {
      for (const auto& res : w->results) {
        if (!res.errors.empty()) ++stats.refused_units;
        for (const auto& r : res.receipts) stats.repeats += r.repeat;
      }
    }
  }
  for (Receipt* r : receipts) {
    r->checkpoint = note;
    if (!r->repeat || r->seq < start) continue;
    // The first copy was checked against this group's view, so it is one
    // of the entries this group just stored.
    auto it = new_leaves.find(r->seq);
    FL_CHECK(it != new_leaves.end(), "repeat of seq ", r->seq,
             " not stored by this group [", start, ", ", next, ")");
    r->leaf_hash = it->second;
    r->recorded_at = recorded_at;
  }
}

LedgerInfo Ledger::Info() const {
  LedgerInfo i = impl_->info;
  i.tree_size = impl_->tree_size.load();
  return i;
}

AppendStats Ledger::Stats() const {
  AppendStats out;
  {
    std::lock_guard lock(impl_->stats_mu);
    out = impl_->stats;
  }
  out.storage_failing = impl_->HasFault();
  return out;
}

Status Ledger::StorageHealth() const {
  Impl& m = *impl_;
  std::lock_guard g(m.fault_mu);
  if (!m.storage_fault) return Status::Ok();
  auto now = std::chrono::steady_clock::now();
  if (now - m.last_probe >= std::chrono::seconds(1)) {
    m.last_probe = now;
    Status probe = m.options.before_group_write
                       ? m.options.before_group_write(0)
                       : Status::Ok();
    // deliberately ignored: the probe's own error (e.g. RocksDB busy
    // recovering) says less than the write's, which is kept.
    if (probe.ok()) probe = m.store->Probe();
    if (probe.ok()) {
      m.storage_fault.reset();
      return Status::Ok();
    }
  }
  return *m.storage_fault;
}

std::uint64_t Ledger::TreeSize() const { return impl_->tree_size.load(); }

std::string Ledger::LatestCheckpoint() const {
  std::shared_lock lock(impl_->checkpoint_mu);
  return impl_->checkpoint;
}

Result<std::string> Ledger::EntryAt(std::uint64_t seq) const {
  if (seq >= TreeSize()) {
    return MakeError(Code::kNotFound, "not_found",
                     "no entry " + std::to_string(seq));
  }
  bool found = false;
  auto v = impl_->store->Get(Store::kEntries, EncodeSeq(seq), &found);
  if (!v.ok()) return v.error();
  if (!found) return DataLoss("entry " + std::to_string(seq) + " missing");
  return v;
}

Status Ledger::ForEachEntry(
    std::uint64_t start, std::uint64_t end,
    const std::function<bool(std::uint64_t, std::string_view)>& fn) const {
  end = std::min(end, TreeSize());
  if (start >= end) return Status::Ok();
  auto it = end - start > kScanEntries
                ? impl_->store->NewScanIterator(Store::kEntries)
                : impl_->store->NewIterator(Store::kEntries);
  std::uint64_t want = start;
  for (it->Seek(EncodeSeq(start)); it->Valid() && want < end; it->Next()) {
    auto key = it->key();
    if (key.size() != 8 ||
        DecodeSeq(std::string_view(key.data(), key.size())) != want) {
      return DataLoss("entry " + std::to_string(want) + " missing");
    }
    auto v = it->value();
    if (!fn(want, std::string_view(v.data(), v.size()))) return Status::Ok();
    ++want;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "entry scan");
  if (want != end)
    return DataLoss("entry " + std::to_string(want) + " missing");
  return Status::Ok();
}

std::uint64_t Ledger::WaitForGrowth(std::uint64_t size, int timeout_ms) const {
  std::unique_lock lock(impl_->growth_mu);
  impl_->growth_cv.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                            [&] { return impl_->tree_size.load() > size; });
  return impl_->tree_size.load();
}

Result<std::string> Ledger::EntryDivision(std::uint64_t seq) const {
  if (seq >= TreeSize()) {
    return MakeError(Code::kNotFound, "not_found",
                     "no entry " + std::to_string(seq));
  }
  bool found = false;
  auto v = impl_->store->Get(Store::kIndex, EntryDivisionKey(seq), &found);
  if (!v.ok()) return v.error();
  if (!found)
    return DataLoss("no division row for entry " + std::to_string(seq));
  return v;
}

Result<Hash> Ledger::RootAt(std::uint64_t size) const {
  if (size > TreeSize()) return OutOfRange("tree size past the log");
  return fl::RootAt(StoredNodes(*impl_->store), size);
}

Result<std::vector<Hash>> Ledger::InclusionProof(std::uint64_t index,
                                                 std::uint64_t size) const {
  if (size > TreeSize() || index >= size) {
    return OutOfRange("need seq < tree_size <= " + std::to_string(TreeSize()));
  }
  return fl::InclusionProof(StoredNodes(*impl_->store), index, size);
}

Result<std::vector<Hash>> Ledger::ConsistencyProof(std::uint64_t first,
                                                   std::uint64_t second) const {
  if (second > TreeSize() || first == 0 || first > second) {
    return OutOfRange("need 0 < first <= second <= " +
                      std::to_string(TreeSize()));
  }
  return fl::ConsistencyProof(StoredNodes(*impl_->store), first, second);
}

}  // namespace fl

namespace fl {

Result<std::string> Ledger::Tile(const TileRef& tile) const {
  // Leaves (or level-8L nodes) at and after the tile's start, at the size
  // read once now, so one answer never mixes two tree sizes.
  const std::uint64_t size = TreeSize();
  const unsigned level = tile.entries ? 0 : kTileHeight * tile.level;
  const std::uint64_t nodes = level >= 64 ? 0 : size >> level;
  const std::uint64_t start = tile.index * kTileWidth;
  if (tile.index > nodes / kTileWidth || nodes - start < tile.width) {
    return MakeError(
        Code::kNotFound, "not_found",
        TilePath(tile) + " is past the tree of size " + std::to_string(size));
  }
  if (!tile.entries) return HashTile(StoredNodes(*impl_->store), tile);
  std::vector<std::string> entries;
  entries.reserve(tile.width);
  FL_RETURN_IF_ERROR(ForEachEntry(start, start + tile.width,
                                  [&](std::uint64_t, std::string_view entry) {
                                    entries.emplace_back(entry);
                                    return true;
                                  }));
  FL_CHECK(entries.size() == tile.width, "entry bundle ", TilePath(tile),
           " read ", entries.size(), " entries");
  return EncodeEntryBundle(entries);
}

}  // namespace fl

// Mirrors (`fundledger mirror`): a ledger directory filled with another
// log's entries, byte for byte, never re-signed.
namespace fl {

Result<std::unique_ptr<Ledger>> Ledger::CreateMirror(
    const std::string& dir, const std::string& verifier_key) {
  namespace fs = std::filesystem;
  auto verifier = ParseVerifierKey(verifier_key);
  if (!verifier.ok()) return verifier.error();
  const std::string prefix = OriginFor("");
  if (verifier->name.rfind(prefix, 0) != 0 ||
      verifier->name.size() == prefix.size()) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "verifier key name " + verifier->name +
                         " is not a fundledger origin (fundledger/<name>)");
  }
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     dir + " exists and is not empty");
  }
  fs::create_directories(dir, ec);
  if (ec) return Internal("cannot create " + dir + ": " + ec.message());
  // Same mode as a ledger: it will hold read tokens' hashes.
  if (::chmod(dir.c_str(), 0700) != 0) {
    return Internal("cannot chmod 0700 " + dir + ": " + std::strerror(errno));
  }
  FL_RETURN_IF_ERROR(WriteMirrorKey(dir, verifier_key));
  {
    auto store = Store::Open(dir, Store::Mode::kCreate);
    if (!store.ok()) return store.error();
    rocksdb::WriteBatch batch;
    batch.Put((*store)->cf(Store::kMeta), std::string(kMetaName),
              verifier->name.substr(prefix.size()));
    batch.Put((*store)->cf(Store::kMeta), std::string(kMetaAdmin), "admin");
    FL_RETURN_IF_ERROR((*store)->Write(&batch, true));
  }
  return Open(dir);
}

bool Ledger::IsMirror() const { return impl_->mirror_key.has_value(); }

Status Ledger::AppendMirrored(const std::vector<std::string>& entries,
                              const std::string& note) {
  Impl& m = *impl_;
  if (!m.mirror_key) {
    return MakeError(Code::kFailedPrecondition, "not_a_mirror",
                     "AppendMirrored on a ledger that is not a mirror");
  }
  if (m.options.read_only) {
    return MakeError(Code::kFailedPrecondition, "read_only",
                     "ledger opened read-only");
  }
  auto cp = OpenCheckpoint(note, *m.mirror_key);
  if (!cp.ok()) return cp.error();
  const std::uint64_t start = m.tree_size.load();
  const std::uint64_t end = start + entries.size();
  if (end > cp->size) {
    return MakeError(Code::kInvalidArgument, "invalid_field",
                     "entries up to seq " + std::to_string(end - 1) +
                         " go past the checkpoint's size " +
                         std::to_string(cp->size));
  }
  auto at = [&](std::size_t i, const Error& e) {
    Error out = e;
    out.detail = "entry " + std::to_string(start + i) + ": " + e.reason + ": " +
                 e.detail;
    return out;
  };

  // Parse and check signatures on every core; sequencing below is serial.
  std::vector<PreparedEvent> prepared(entries.size());
  std::vector<EntryView> views(entries.size());
  std::vector<std::optional<Error>> scan_errors(entries.size());
  {
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (std::size_t i = t; i < entries.size(); i += threads) {
          auto view = ScanEntry(entries[i]);
          if (!view.ok()) {
            scan_errors[i] = view.error();
            continue;
          }
          views[i] = *view;
          std::string envelope = "{\"event\":";
          envelope += view->event;
          envelope += ",\"signature\":";
          envelope += view->signature;
          envelope += "}";
          prepared[i] = Prepare(envelope);
        }
      });
    }
  }

  Overlay view(*m.store, nullptr, &m.row_cache);
  CompactRange range = m.range;
  Hash prev = m.prev_leaf;
  std::string last_recorded_at = m.last_recorded_at;
  rocksdb::WriteBatch batch;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::uint64_t seq = start + i;
    if (scan_errors[i]) return at(i, *scan_errors[i]);
    const EntryView& v = views[i];
    if (v.seq != seq) {
      return at(i, DataLoss("carries seq " + std::to_string(v.seq)));
    }
    if (v.prev_hex != HexEncode(AsBytes(prev))) {
      return at(i, MakeError(Code::kDataLoss, "prev_mismatch",
                             "prev is not the hash of entry " +
                                 std::to_string(seq - 1)));
    }
    if (v.recorded_at < last_recorded_at) {
      return at(i, DataLoss("recorded_at goes backwards"));
    }
    const PreparedEvent& e = prepared[i];
    if (e.error) return at(i, *e.error);
    // Verbatim and canonical: rebuilt from its parts, the entry must be
    // the same bytes (a re-serialised or altered entry is refused).
    std::string rebuilt = BuildEntry(seq, prev, v.recorded_at,
                                     e.canonical_event, e.canonical_signature);
    if (rebuilt != entries[i]) {
      return at(i, DataLoss("entry is not in canonical form"));
    }
    auto d =
        CheckAndApply(e, seq, view, /*check_signatures=*/true, m.info.origin);
    if (!d.ok()) return at(i, d.error());
    if (d->repeat) {
      return at(i, DataLoss("repeats the event of entry " +
                            std::to_string(d->first_seq)));
    }
    Hash leaf = LeafHash(entries[i]);
    batch.Put(m.store->cf(Store::kEntries), EncodeSeq(seq), entries[i]);
    batch.Put(m.store->cf(Store::kIndex), EntryDivisionKey(seq), d->division);
    range.Append(leaf, [&](unsigned level, std::uint64_t index, const Hash& h) {
      batch.Put(
          m.store->cf(Store::kTree), TreeKey(level, index),
          rocksdb::Slice(reinterpret_cast<const char*>(h.data()), h.size()));
    });
    prev = leaf;
    last_recorded_at = std::string(v.recorded_at);
  }
  const bool reached = end == cp->size;
  if (reached && range.Root() != cp->root) {
    return MakeError(Code::kDataLoss, "root_mismatch",
                     "the entries up to seq " + std::to_string(end - 1) +
                         " do not give the checkpoint's root");
  }
  for (const auto& [key, value] : view.rows()) {
    batch.Put(m.store->cf(static_cast<Store::Family>(key.first)), key.second,
              value);
  }
  batch.Put(m.store->cf(Store::kMeta), std::string(kMetaTreeSize),
            EncodeSeq(end));
  // Until a copy reaches the checkpoint's size the newest checkpoint stays
  // the last one reached (the origin signed no note for the sizes between).
  if (reached) {
    batch.Put(m.store->cf(Store::kMeta), std::string(kMetaCheckpoint), note);
    std::uint64_t held = 0;
    {
      std::shared_lock lock(m.checkpoint_mu);
      if (!m.checkpoint.empty()) {
        auto old = OpenCheckpoint(m.checkpoint, *m.mirror_key);
        if (old.ok()) held = old->size;
      }
    }
    if (held == 0 || end / kCheckpointEvery != held / kCheckpointEvery) {
      batch.Put(m.store->cf(Store::kCheckpoints), EncodeSeq(end), note);
    }
  }
  FL_RETURN_IF_ERROR(m.store->Write(&batch, /*sync=*/true));
  for (const auto& [key, value] : view.rows()) {
    if (key.first == Store::kIndex && IsIdentityRow(key.second)) {
      m.row_cache.Keep(key.second, value);
    }
  }
  m.range = std::move(range);
  m.prev_leaf = prev;
  m.last_recorded_at = last_recorded_at;
  if (reached) {
    std::unique_lock lock(m.checkpoint_mu);
    m.checkpoint = note;
  }
  {
    std::lock_guard g(m.growth_mu);
    m.tree_size.store(end);
  }
  m.growth_cv.notify_all();
  return Status::Ok();
}

}  // namespace fl
