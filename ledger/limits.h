// Every limit LEDGER.md and API.md set, once. Code and messages use these
// names; the static_asserts tie the ones that depend on each other, so
// changing one number cannot silently break a promise another makes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fl::limits {

// LEDGER.md 2: an event's canonical (JCS) form, and how deep it nests.
inline constexpr std::size_t kMaxCanonicalEventBytes = 60'000;
inline constexpr int kMaxEventDepth = 32;  // the event's own root is 1
// LEDGER.md 1: a stored entry fits a C2SP tlog-tiles entry bundle line.
inline constexpr std::size_t kMaxEntryBytes = 65'535;

// Depth of the event's innermost value, seen from the document it sits in:
// an envelope or entry {"event": {...}} adds one level, a batch body
// {"events": [{"event": {...}}]} adds three.
inline constexpr int kMaxEnvelopeDepth = kMaxEventDepth + 1;
inline constexpr int kMaxEntryDepth = kMaxEventDepth + 1;
inline constexpr int kMaxBatchBodyDepth = kMaxEventDepth + 3;

// LEDGER.md 1 (amended 2026-12): an event's occurred_at lies between the
// welfare lottery's start and a day past the ledger's clock at append.
inline constexpr std::string_view kEarliestOccurredAt = "1987-01-01T00:00:00Z";
inline constexpr std::chrono::hours kMaxOccurredAtAhead{24};

// API.md "Limits the server enforces".
inline constexpr std::size_t kMaxBodyBytes = std::size_t{1} << 20;     // 1 MiB
inline constexpr std::size_t kMaxHeaderBytes = std::size_t{16} << 10;  // 16 KiB
inline constexpr int kMaxConnections = 1000;          // default, configurable
inline constexpr int kMaxConnectionsPerAddress = 64;  // default, configurable
inline constexpr std::chrono::seconds kIdleTimeout{60};
inline constexpr std::chrono::seconds kRequestTimeout{10};  // from 1st byte
inline constexpr std::chrono::seconds kFirstRequestTimeout{10};
inline constexpr std::chrono::seconds kMinSeqWait{5};  // projection reads
// Amended 2026-12: projection reads waiting for a read thread, beyond
// those running (default, configurable); more are 503 overloaded.
inline constexpr int kMaxQueuedProjectionReads = 64;
// Historic as_of reads (a fold of the log each, one at a time) wait in a
// lane of their own, so the reads above never queue behind them.
inline constexpr int kHistoricReadThreads = 2;
inline constexpr int kMaxQueuedHistoricReads = 16;

// API.md routes.
inline constexpr std::size_t kMaxBatchEvents = 1000;    // POST /v1/events:batch
inline constexpr std::uint64_t kMaxEntriesPage = 1000;  // GET /v1/entries
inline constexpr std::size_t kMaxEntriesPageBytes = std::size_t{4} << 20;
inline constexpr std::uint64_t kMaxFlagsPage = 1000;  // GET /v1/flags
inline constexpr std::uint64_t kDefaultFlagsPage = 100;
// GET /v1/lots and /v1/contracts (docs/spec-notes.md, the console).
inline constexpr std::uint64_t kMaxListPage = 1000;
inline constexpr std::uint64_t kDefaultListPage = 100;

// The appender: a group commit stops taking writers at this many events.
// A batch is all or nothing in one group, so it must always fit.
inline constexpr std::size_t kMaxGroupEvents = 4096;
// Lot, contract and station index rows the committing leader keeps in
// memory (ledger/overlay.h); past this many it forgets them and starts
// over. ~100 bytes each: ~25 MB at most.
inline constexpr std::size_t kMaxCachedSubjectRows = std::size_t{1} << 18;
// Public keys Prepare keeps by key_id (ledger/public_key_cache.h); past
// this many it forgets them and starts over. ~80 bytes each: ~5 MB at most.
inline constexpr std::size_t kMaxCachedPublicKeys = std::size_t{1} << 16;

static_assert(kMaxGroupEvents >= kMaxBatchEvents,
              "a whole batch must fit one group commit (all or nothing)");
static_assert(kMaxCanonicalEventBytes < kMaxEntryBytes,
              "an entry holds the event plus its envelope fields");
static_assert(kMaxEntryBytes < kMaxBodyBytes,
              "one envelope must fit a request body");
static_assert(kDefaultFlagsPage <= kMaxFlagsPage);
static_assert(kDefaultListPage <= kMaxListPage);
static_assert(kMaxEntriesPageBytes > kMaxEntryBytes,
              "a page of entries holds at least one entry");
static_assert(kMaxBatchBodyDepth > kMaxEnvelopeDepth);

}  // namespace fl::limits
