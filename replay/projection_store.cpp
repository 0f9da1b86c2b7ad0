#include "replay/projection_store.h"

#include <rocksdb/db.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <filesystem>
#include <limits>

#include "ledger/rocks_codec.h"
#include "replay/row_codec.h"

namespace fl::replay {

namespace {

// Bump when the row layout changes: older stores are rebuilt. v2: review
// entries noted per flag ("f/" rows of seqs, review_history.h). v3: no
// "x/dup_keys/", "x/station_payments/" or "x/payee_payments/" rows; the
// payment groups are rebuilt from the payments (payment_groups.h). v4:
// "t/setups/" rows (R16's sums), contracts' early_milestones (R18). v5:
// rows in row_codec.h's binary form, not CBOR of their JSON. v6: "h/"
// rows, the flag history's days (day_history.h). v7: "b/" and "c/" rows,
// the balance and cap histories' days.
constexpr std::string_view kLayout = "fundledger.projections.v7";

// A day history's rows: "h/" (flags), "b/" (balances) or "c/" (caps) and
// the day, offset so that key order is date order.
constexpr std::string_view kFlagDays = "h/";
constexpr std::string_view kBalanceDays = "b/";
constexpr std::string_view kCapDays = "c/";
std::string DayKey(std::string_view prefix, Day d) {
  return std::string(prefix) +
         EncodeSeq(static_cast<std::uint64_t>(std::int64_t{d} - kNoDay));
}
// Past every day key of `prefix` ('0' follows '/').
std::string DaysEnd(std::string_view prefix) {
  return std::string(prefix.substr(0, prefix.size() - 1)) + "0";
}

// Reads the days stored under `prefix` into `history`, in date order.
template <class History, class Stored>
Status LoadDays(rocksdb::Iterator& it, std::string_view prefix,
                std::uint64_t next_seq, History& history) {
  StringPool unused;  // a day's rows hold no views
  const std::string damaged =
      "projection day history " + std::string(prefix) + " damaged";
  for (it.Seek(rocksdb::Slice(prefix.data(), prefix.size()));
       it.Valid() &&
       it.key().starts_with(rocksdb::Slice(prefix.data(), prefix.size()));
       it.Next()) {
    const auto key = it.key();
    Stored stored;
    if (key.size() != prefix.size() + 8 ||
        !DecodeRow(std::string_view(it.value().data(), it.value().size()),
                   unused, stored)) {
      return DataLoss(damaged);
    }
    const std::uint64_t offset =
        DecodeSeq(std::string_view(key.data() + prefix.size(), 8));
    // A day taken on more entries than the state holds, or out of Day's
    // range, was not written by Commit.
    if (offset > std::numeric_limits<std::uint32_t>::max() ||
        stored.seq > next_seq ||
        !history.Restore(
            static_cast<Day>(static_cast<std::int64_t>(offset) + kNoDay),
            stored)) {
      return DataLoss(damaged);
    }
  }
  return Status::Ok();
}

// Adds to `batch` what `history` changed since the last call.
template <class History>
std::size_t CommitDays(rocksdb::WriteBatch& batch, std::string_view prefix,
                       History& history) {
  auto changes = history.TakeChanges();
  if (changes.erase_from) {
    // Before the days written below: within a batch, later writes win.
    batch.DeleteRange(DayKey(prefix, *changes.erase_from), DaysEnd(prefix));
  }
  for (const auto& [day, stored] : changes.days)
    batch.Put(DayKey(prefix, day), EncodeRow(stored));
  return changes.days.size();
}

template <class Visitor>
void VisitTables(State& s, Visitor&& v) {
  v("lots", s.lots);
  v("contracts", s.contracts);
  v("payments", s.payments);
  v("stations", s.stations);
  v("vendors", s.vendors);
  v("agencies", s.agencies);
  v("keys", s.keys);
  v("programs", s.programs);
  v("policies", s.policies);
  v("cap_bases", s.cap_bases);
  v("closes", s.closes);
  v("reviews", s.reviews);
  v("exceptions", s.exceptions);
  v("caps", s.caps);
  v("lottery", s.lottery);
  v("setups", s.setups);
  v("splits", s.splits);
  v("reserves", s.reserves);
  v("acts", s.acts);
}

template <class Visitor>
void VisitIndexes(State& s, Visitor&& v) {
  v("seqs", s.seqs);
  v("lot_contracts", s.lot_contracts);
  v("supplier_contracts", s.supplier_contracts);
  v("dup_candidates", s.dup_candidates);
  v("cap_payments", s.cap_payments);
  v("split_contracts", s.split_contracts);
  v("reserve_contracts", s.reserve_contracts);
  v("close_list", s.close_list);
  v("policy_rules", s.policy_rules);
}

}  // namespace

ProjectionStore::ProjectionStore(PrivateTag) {}
ProjectionStore::~ProjectionStore() = default;

Result<std::unique_ptr<ProjectionStore>> ProjectionStore::Open(
    const std::string& dir, const std::string& origin) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.compression = rocksdb::kNoCompression;
  // Commits are large batches of rows written once and read back only at
  // start-up: an unsorted vector memtable inserts in O(1), where the
  // default skip list spent most of a replay comparing keys.
  options.memtable_factory = std::make_shared<rocksdb::VectorRepFactory>();
  options.allow_concurrent_memtable_write = false;
  options.write_buffer_size = 64 << 20;
  rocksdb::DB* raw = nullptr;
  auto st = rocksdb::DB::Open(options, dir, &raw);
  if (!st.ok()) return Internal("projections at " + dir + ": " + st.ToString());
  auto out = std::make_unique<ProjectionStore>(PrivateTag{});
  out->db_.reset(raw);
  std::string layout, stored_origin;
  auto s1 = out->db_->Get(rocksdb::ReadOptions(), "m/layout", &layout);
  auto s2 = out->db_->Get(rocksdb::ReadOptions(), "m/origin", &stored_origin);
  // Only a store that says "not found" or holds another layout is wiped; a
  // read that failed says nothing about whose store this is.
  if (!s1.ok() && !s1.IsNotFound()) return FromRocks(s1, "projections layout");
  if (!s2.ok() && !s2.IsNotFound()) return FromRocks(s2, "projections origin");
  if (s1.IsNotFound() || layout != kLayout || s2.IsNotFound() ||
      stored_origin != origin) {
    // Not ours (or empty): start over from seq 0.
    out->db_.reset();
    FL_RETURN_IF_ERROR(
        CheckRocks(rocksdb::DestroyDB(dir, options), "projections reset"));
    st = rocksdb::DB::Open(options, dir, &raw);
    if (!st.ok())
      return Internal("projections at " + dir + ": " + st.ToString());
    out->db_.reset(raw);
    rocksdb::WriteBatch b;
    b.Put("m/layout", rocksdb::Slice(kLayout.data(), kLayout.size()));
    b.Put("m/origin", origin);
    FL_RETURN_IF_ERROR(CheckRocks(out->db_->Write(rocksdb::WriteOptions(), &b),
                                  "projections"));
  }
  return out;
}

Status ProjectionStore::Load(State& s, DayHistories h) {
  std::string v;
  auto st = db_->Get(rocksdb::ReadOptions(), "m/state", &v);
  if (st.IsNotFound()) return Status::Ok();
  FL_RETURN_IF_ERROR(CheckRocks(st, "projections meta"));
  if (v.size() != 24) return DataLoss("projections meta damaged");
  s.next_seq = DecodeSeq(std::string_view(v).substr(0, 8));
  s.newest_day = static_cast<Day>(
      static_cast<std::int64_t>(DecodeSeq(std::string_view(v).substr(8, 8))));
  s.genesis_day = static_cast<Day>(
      static_cast<std::int64_t>(DecodeSeq(std::string_view(v).substr(16, 8))));

  // One pass over every row, read once: large reads ahead, and no block
  // cache filled with blocks nothing will read again.
  rocksdb::ReadOptions ro;
  ro.readahead_size = 2 << 20;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  bool failed = false;
  VisitTables(s, [&](std::string_view name, auto& table) {
    using V = typename std::decay_t<decltype(table)>::value_type;
    std::string prefix = "t/" + std::string(name) + "/";
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
         it->Next()) {
      auto key = it->key();
      V& row = table.LoadRow(std::string_view(key.data() + prefix.size(),
                                              key.size() - prefix.size()));
      if (!DecodeRow(std::string_view(it->value().data(), it->value().size()),
                     s.strings, row)) {
        failed = true;
        return;
      }
    }
  });
  VisitIndexes(s, [&](std::string_view name, MultiIndex& index) {
    std::string prefix = "x/" + std::string(name) + "/";
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
         it->Next()) {
      auto key = it->key();
      index.LoadRow(std::string_view(key.data() + prefix.size(),
                                     key.size() - prefix.size()),
                    std::string_view(it->value().data(), it->value().size()));
    }
  });
  if (failed) return DataLoss("projection row damaged");
  if (h.flags) {
    FL_RETURN_IF_ERROR((LoadDays<FlagHistory, StoredFlagDay>(
        *it, kFlagDays, s.next_seq, *h.flags)));
  }
  if (h.balances) {
    FL_RETURN_IF_ERROR((LoadDays<BalanceHistory, StoredBalanceDay>(
        *it, kBalanceDays, s.next_seq, *h.balances)));
  }
  if (h.caps) {
    FL_RETURN_IF_ERROR((LoadDays<CapHistory, StoredCapDay>(
        *it, kCapDays, s.next_seq, *h.caps)));
  }
  FL_RETURN_IF_ERROR(CheckRocks(it->status(), "projections load"));
  RebuildPaymentGroups(s);
  return Status::Ok();
}

Status ProjectionStore::Recover() {
  return CheckRocks(db_->Resume(), "projections resume");
}

void StopRecordingChanges(State& s) {
  VisitTables(
      s, [](std::string_view, auto& table) { table.StopRecordingChanges(); });
  VisitIndexes(s, [](std::string_view, MultiIndex& index) {
    index.StopRecordingChanges();
  });
}

Status ProjectionStore::Commit(State& s, DayHistories h) {
  rocksdb::WriteBatch batch;
  std::size_t rows = 0;
  RowSink sink = [&](std::string_view key, const std::string* value) {
    ++rows;
    if (value) {
      batch.Put(rocksdb::Slice(key.data(), key.size()), *value);
    } else {
      batch.Delete(rocksdb::Slice(key.data(), key.size()));
    }
  };
  VisitTables(s, [&](std::string_view name, auto& table) {
    std::string prefix = "t/" + std::string(name) + "/";
    table.Flush(prefix, sink, [](const auto& row) { return EncodeRow(row); });
  });
  VisitIndexes(s, [&](std::string_view name, MultiIndex& index) {
    index.Flush("x/" + std::string(name) + "/", sink);
  });
  std::string meta =
      EncodeSeq(s.next_seq) +
      EncodeSeq(
          static_cast<std::uint64_t>(static_cast<std::int64_t>(s.newest_day))) +
      EncodeSeq(
          static_cast<std::uint64_t>(static_cast<std::int64_t>(s.genesis_day)));
  batch.Put("m/state", meta);
  if (h.flags) rows += CommitDays(batch, kFlagDays, *h.flags);
  if (h.balances) rows += CommitDays(batch, kBalanceDays, *h.balances);
  if (h.caps) rows += CommitDays(batch, kCapDays, *h.caps);
  last_rows_ = rows;
  // No fsync: the log is the durable truth; the WAL keeps the batch atomic.
  return CheckRocks(db_->Write(rocksdb::WriteOptions(), &batch),
                    "projections commit");
}

}  // namespace fl::replay
