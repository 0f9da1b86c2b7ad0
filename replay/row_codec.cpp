#include "replay/row_codec.h"

#include <concepts>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "replay/day_history.h"

namespace fl::replay {
namespace {

template <class T>
struct IsVector : std::false_type {};
template <class T, class A>
struct IsVector<std::vector<T, A>> : std::true_type {};
template <class T>
struct IsMap : std::false_type {};
template <class K, class V, class C, class A>
struct IsMap<std::map<K, V, C, A>> : std::true_type {};
template <class T>
struct IsTuple : std::false_type {};
template <class... T>
struct IsTuple<std::tuple<T...>> : std::true_type {};

// `R` is T or const T: one member list per row type serves the encoder
// (const rows) and the decoder.
template <class R, class T>
concept RowOf = std::same_as<std::remove_const_t<R>, T>;

// Members in their stored order. A member added to a struct in state.h
// must be added here (and the layout name bumped), or it is not stored.
// The round-trip test in tests/row_codec_test.cpp sets every member to a
// distinct value and fails on one that does not come back; a new member
// needs a value there too.
template <class C, RowOf<Finding> R>
void Members(C& c, R& r) {
  c(r.rule, r.subject, r.division, r.severity, r.amount, r.evidence,
    r.provisional);
}
template <class C, RowOf<Flag> R>
void Members(C& c, R& r) {
  c(r.flag_id, r.status, r.finding);
}
template <class C, RowOf<StoredFlagDay> R>
void Members(C& c, R& r) {
  c(r.seq, r.dropped, r.added);
}
template <class C, RowOf<Totals> R>
void Members(C& c, R& r) {
  c(r.appropriated, r.received, r.issued_down, r.transferred_out, r.recovered,
    r.paid, r.committed);
}
template <class C, RowOf<BalanceRow> R>
void Members(C& c, R& r) {
  c(r.division, r.fund, r.program, r.fiscal_year, r.totals);
}
template <class C, RowOf<StoredBalanceDay> R>
void Members(C& c, R& r) {
  c(r.seq, r.dropped, r.added);
}
template <class C, RowOf<CapFigures> R>
void Members(C& c, R& r) {
  c(r.county, r.year, r.r07_num, r.r07_base, r.r07_limit, r.r07_pct,
    r.r07_base_seq, r.r07_over, r.r08_num, r.r08_base, r.r08_limit, r.r08_pct,
    r.r08_base_seq, r.r08_over, r.closed, r.close_seq);
}
template <class C, RowOf<CapRow> R>
void Members(C& c, R& r) {
  c(r.key, r.figures);
}
template <class C, RowOf<StoredCapDay> R>
void Members(C& c, R& r) {
  c(r.seq, r.dropped, r.added);
}
template <class C, RowOf<Lot> R>
void Members(C& c, R& r) {
  c(r.id, r.fund, r.program, r.division, r.from_code, r.parent, r.fiscal_year,
    r.budget, r.pass_through, r.transfer, r.amount, r.received, r.issued_down,
    r.transferred_out, r.recovered, r.paid, r.issued_on, r.received_on,
    r.targets, r.min_per_target, r.deadline, r.target_paid, r.open_seq,
    r.received_seen, r.received_seq, r.down_issues);
}
template <class C, RowOf<Item> R>
void Members(C& c, R& r) {
  c(r.category, r.amount);
}
template <class C, RowOf<Funding> R>
void Members(C& c, R& r) {
  c(r.lot, r.amount);
}
// stations_by_name is derived from stations: rebuilt on decode, not stored.
template <class C, RowOf<Contract> R>
void Members(C& c, R& r) {
  c(r.id, r.division, r.program, r.supplier, r.method, r.value, r.start, r.end,
    r.signed_on, r.stations, r.items, r.funding, r.amended, r.terminated,
    r.terminated_on, r.paid, r.paid_by_lot, r.out_of_scope_paid, r.milestones,
    r.early_milestones, r.signed_seq);
}
template <class C, RowOf<Payment> R>
void Members(C& c, R& r) {
  c(r.id, r.lot, r.payee, r.economic_class, r.service_category, r.purpose,
    r.invoice, r.contract, r.milestone, r.station, r.amount, r.paid_on,
    r.reversed, r.seq, r.reversal_seq);
}
template <class C, RowOf<Station> R>
void Members(C& c, R& r) {
  c(r.id, r.name, r.division, r.established, r.deregistered, r.seq,
    r.deregistered_seq);
}
template <class C, RowOf<SanctionWindow> R>
void Members(C& c, R& r) {
  c(r.list, r.from, r.to, r.lifted, r.seq, r.lift_seq);
}
template <class C, RowOf<Vendor> R>
void Members(C& c, R& r) {
  c(r.windows);
}
template <class C, RowOf<Agency> R>
void Members(C& c, R& r) {
  c(r.kind, r.division, r.uscc, r.seq);
}
template <class C, RowOf<KeyRecord> R>
void Members(C& c, R& r) {
  c(r.agency, r.public_key, r.added_seq, r.revoked_seq, r.revoked);
}
template <class C, RowOf<Program> R>
void Members(C& c, R& r) {
  c(r.purposes, r.allowed_categories, r.seq);
}
template <class C, RowOf<PolicySet> R>
void Members(C& c, R& r) {
  c(r.rule, r.scope, r.params, r.effective_from, r.seq);
}
template <class C, RowOf<Declared> R>
void Members(C& c, R& r) {
  c(r.amount, r.seq);
}
template <class C, RowOf<Review> R>
void Members(C& c, R& r) {
  c(r.status, r.seq);
}
template <class C, RowOf<CapSums> R>
void Members(C& c, R& r) {
  c(r.r07, r.r08, r.hardship);
}
template <class C, RowOf<LotterySums> R>
void Members(C& c, R& r) {
  c(r.total, r.elderly);
}
template <class C, RowOf<SetupSums> R>
void Members(C& c, R& r) {
  c(r.by_year);
}
template <class C, RowOf<SplitSum> R>
void Members(C& c, R& r) {
  c(r.amount);
}
template <class C, RowOf<ReserveSums> R>
void Members(C& c, R& r) {
  c(r.ops_total, r.reserve, r.ops_contracts);
}

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  template <class... T>
  void operator()(const T&... v) {
    (Put(v), ...);
  }

 private:
  void Varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void Bytes(std::string_view s) {
    Varint(s.size());
    out_.append(s);
  }
  template <class T>
  void Put(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      out_.push_back(v ? 1 : 0);
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      // Zigzag: small negative numbers (kNoDay aside) stay short.
      const auto n = static_cast<std::int64_t>(v);
      Varint((static_cast<std::uint64_t>(n) << 1) ^
             static_cast<std::uint64_t>(n >> 63));
    } else if constexpr (std::is_integral_v<T>) {
      Varint(v);
    } else if constexpr (std::is_same_v<T, std::string> ||
                         std::is_same_v<T, std::string_view>) {
      Bytes(v);
    } else if constexpr (std::is_same_v<T, Json>) {
      Bytes(v.dump());
    } else if constexpr (IsVector<T>::value) {
      Varint(v.size());
      for (const auto& x : v) Put(x);
    } else if constexpr (IsMap<T>::value) {
      Varint(v.size());
      for (const auto& [k, x] : v) {
        Put(k);
        Put(x);
      }
    } else if constexpr (IsTuple<T>::value) {
      std::apply([&](const auto&... x) { (Put(x), ...); }, v);
    } else {
      Members(*this, v);
    }
  }

  std::string& out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <class... T>
  void operator()(T&... v) {
    (Get(v), ...);
  }
  // Every byte read, none left over, nothing refused.
  bool Done() const { return ok_ && in_.empty(); }

 private:
  bool Fail() {
    ok_ = false;
    in_ = {};  // every later read fails at once
    return false;
  }
  bool Varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return Fail();
      const auto b = static_cast<std::uint8_t>(in_.front());
      in_.remove_prefix(1);
      // The tenth byte may carry only the top bit of a 64-bit value.
      if (shift == 63 && b > 1) return Fail();
      v |= std::uint64_t{b & 0x7fu} << shift;
      if (b < 0x80) return true;
    }
    return Fail();
  }
  bool Bytes(std::string_view& s) {
    std::uint64_t n;
    if (!Varint(n)) return false;
    if (n > in_.size()) return Fail();
    s = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  // A list of n members takes at least n bytes: a count beyond what is
  // left is damage, and must not size a vector.
  bool Count(std::uint64_t& n) {
    return Varint(n) && (n <= in_.size() || Fail());
  }
  template <class T>
  void Get(T& v) {
    if (!ok_) return;
    if constexpr (std::is_same_v<T, bool>) {
      if (in_.empty() || static_cast<std::uint8_t>(in_.front()) > 1) {
        Fail();
        return;
      }
      v = in_.front() == 1;
      in_.remove_prefix(1);
    } else if constexpr (std::is_integral_v<T>) {
      std::uint64_t u;
      if (!Varint(u)) return;
      if constexpr (std::is_signed_v<T>) {
        const auto n = static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
        if (n < std::numeric_limits<T>::min() ||
            n > std::numeric_limits<T>::max()) {
          Fail();
          return;
        }
        v = static_cast<T>(n);
      } else {
        if (u > std::numeric_limits<T>::max()) {
          Fail();
          return;
        }
        v = static_cast<T>(u);
      }
    } else if constexpr (std::is_same_v<T, std::string>) {
      std::string_view s;
      if (Bytes(s)) v.assign(s);
    } else if constexpr (std::is_same_v<T, std::string_view>) {
      Bytes(v);  // a view into the input: the caller copies it
    } else if constexpr (std::is_same_v<T, Json>) {
      std::string_view s;
      if (!Bytes(s)) return;
      v = Json::parse(s, nullptr, /*allow_exceptions=*/false);
      if (v.is_discarded()) Fail();
    } else if constexpr (IsVector<T>::value) {
      std::uint64_t n;
      if (!Count(n)) return;
      v.clear();
      v.resize(n);
      for (auto& x : v) Get(x);
    } else if constexpr (IsMap<T>::value) {
      std::uint64_t n;
      if (!Count(n)) return;
      v.clear();
      for (std::uint64_t i = 0; i < n && ok_; ++i) {
        typename T::key_type k{};
        typename T::mapped_type x{};
        Get(k);
        Get(x);
        // Written in key order, each key once.
        if (ok_ && !v.empty() && !(v.rbegin()->first < k)) Fail();
        if (ok_) v.emplace_hint(v.end(), std::move(k), std::move(x));
      }
    } else if constexpr (IsTuple<T>::value) {
      std::apply([&](auto&... x) { (Get(x), ...); }, v);
    } else {
      Members(*this, v);
    }
  }

  std::string_view in_;
  bool ok_ = true;
};

}  // namespace

template <class Row>
std::string EncodeRow(const Row& row) {
  std::string out;
  Writer w(out);
  Members(w, row);
  return out;
}

template <class Row>
bool DecodeRow(std::string_view bytes, StringPool& pool, Row& row) {
  Reader r(bytes);
  Members(r, row);
  if (!r.Done()) return false;
  if constexpr (std::is_same_v<Row, Payment>) {
    KeepStrings(pool, row);  // the views are into `bytes`
  } else if constexpr (std::is_same_v<Row, Contract>) {
    row.IndexStations();
  }
  (void)pool;
  return true;
}

// The row types of State's tables (state.h).
#define FL_ROW_CODEC(Row)                          \
  template std::string EncodeRow<Row>(const Row&); \
  template bool DecodeRow<Row>(std::string_view, StringPool&, Row&);
FL_ROW_CODEC(Finding)
FL_ROW_CODEC(Lot)
FL_ROW_CODEC(Contract)
FL_ROW_CODEC(Payment)
FL_ROW_CODEC(Station)
FL_ROW_CODEC(Vendor)
FL_ROW_CODEC(Agency)
FL_ROW_CODEC(KeyRecord)
FL_ROW_CODEC(Program)
FL_ROW_CODEC(PolicySet)
FL_ROW_CODEC(Declared)
FL_ROW_CODEC(Review)
FL_ROW_CODEC(CapSums)
FL_ROW_CODEC(LotterySums)
FL_ROW_CODEC(SetupSums)
FL_ROW_CODEC(SplitSum)
FL_ROW_CODEC(ReserveSums)
// The day histories' days (day_history.h).
FL_ROW_CODEC(StoredFlagDay)
FL_ROW_CODEC(StoredBalanceDay)
FL_ROW_CODEC(StoredCapDay)
#undef FL_ROW_CODEC

}  // namespace fl::replay
