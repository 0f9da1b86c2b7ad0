// The projection store's binary rows (replay/row_codec.h): every member of
// every row type comes back as it was written, and bytes that are not
// exactly one row are refused. The restart tests (replay_test.cpp,
// rules_test.cpp) check the same codec through a whole store.
#include "replay/row_codec.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "replay/day_history.h"

namespace fl::replay {
namespace {

// Distinct non-default values, so that a member the codec skips or swaps
// with another of its type cannot come back equal.
struct Fill {
  std::int64_t n = 1000;
  std::int64_t Int() { return n += 7919; }
  std::int64_t Negative() { return -Int(); }
  std::string Text() { return "t" + std::to_string(Int()) + "-云南"; }
  Day Date() { return static_cast<Day>(19000 + Int() % 3000); }
  std::uint64_t Seq() { return static_cast<std::uint64_t>(Int()) << 20; }
};

Finding MakeFinding(Fill& f) {
  Finding r;
  r.rule = f.Text();
  r.subject = f.Text();
  r.division = f.Text();
  r.severity = static_cast<int>(f.Int() % 5);
  r.amount = f.Negative();
  r.evidence = {f.Seq(), f.Seq(), 0, UINT64_MAX};
  r.provisional = true;
  return r;
}

Lot MakeLot(Fill& f) {
  Lot r;
  r.id = f.Text();
  r.fund = f.Text();
  r.program = f.Text();
  r.division = f.Text();
  r.from_code = f.Text();
  r.parent = f.Text();
  r.fiscal_year = static_cast<int>(2000 + f.Int() % 50);
  r.budget = true;
  r.pass_through = true;
  r.transfer = true;
  r.amount = INT64_MAX;
  r.received = INT64_MIN;
  r.issued_down = f.Int();
  r.transferred_out = f.Negative();
  r.recovered = f.Int();
  r.paid = f.Int();
  r.issued_on = f.Date();
  r.received_on = kNoDay;
  r.targets = {f.Text(), f.Text(), ""};
  r.min_per_target = f.Int();
  r.deadline = f.Date();
  r.target_paid = {{f.Text(), f.Int()}, {f.Text(), f.Negative()}};
  r.open_seq = f.Seq();
  r.received_seen = true;
  r.received_seq = f.Seq();
  r.down_issues = {{f.Date(), f.Int(), f.Seq()}, {kNoDay, -1, 0}};
  return r;
}

Contract MakeContract(Fill& f) {
  Contract r;
  r.id = f.Text();
  r.division = f.Text();
  r.program = f.Text();
  r.supplier = f.Text();
  r.method = f.Text();
  r.value = f.Int();
  r.start = f.Date();
  r.end = f.Date();
  r.signed_on = f.Date();
  r.stations = {"s3", "s1", "s2"};
  r.IndexStations();
  r.items = {{f.Text(), f.Int()}, {f.Text(), f.Negative()}};
  r.funding = {{f.Text(), f.Int()}};
  r.amended = true;
  r.terminated = true;
  r.terminated_on = f.Date();
  r.paid = f.Int();
  r.paid_by_lot = {{f.Text(), f.Int()}};
  r.out_of_scope_paid = f.Int();
  r.milestones = {{f.Text(), f.Date()}, {f.Text(), kNoDay}};
  r.early_milestones = {f.Text()};
  r.signed_seq = f.Seq();
  return r;
}

// Its strings are views: into `keep`, which outlives the row.
Payment MakePayment(Fill& f, std::vector<std::string>& keep) {
  keep.clear();
  for (int i = 0; i < 10; ++i) keep.push_back(f.Text());
  Payment r;
  r.id = keep[0];
  r.lot = keep[1];
  r.payee = keep[2];
  r.economic_class = keep[3];
  r.service_category = keep[4];
  r.purpose = keep[5];
  r.invoice = keep[6];
  r.contract = keep[7];
  r.milestone = keep[8];
  r.station = keep[9];
  r.amount = f.Int();
  r.paid_on = f.Date();
  r.reversed = true;
  r.seq = f.Seq();
  r.reversal_seq = f.Seq();
  return r;
}

Station MakeStation(Fill& f) {
  return Station{f.Text(), f.Text(), f.Text(), f.Date(),
                 f.Date(), f.Seq(),  f.Seq()};
}
Vendor MakeVendor(Fill& f) {
  Vendor r;
  r.windows = {{f.Text(), f.Date(), f.Date(), f.Date(), f.Seq(), f.Seq()},
               {f.Text(), kNoDay, f.Date(), kNoDay, 0, f.Seq()}};
  return r;
}
Agency MakeAgency(Fill& f) {
  return Agency{f.Text(), f.Text(), f.Text(), f.Seq()};
}
KeyRecord MakeKey(Fill& f) {
  return KeyRecord{f.Text(), f.Text(), f.Seq(), f.Seq(), true};
}
Program MakeProgram(Fill& f) {
  return Program{{f.Text(), f.Text()}, {f.Text()}, f.Seq()};
}
PolicySet MakePolicy(Fill& f) {
  PolicySet r;
  r.rule = f.Text();
  r.scope = f.Text();
  r.params = Json{{"cap_bp", f.Int()},
                  {"categories", {f.Text(), f.Text()}},
                  {"nested", {{"on", true}, {"none", nullptr}}}};
  r.effective_from = f.Date();
  r.seq = f.Seq();
  return r;
}

// Encodes `row`, decodes it into a default one, and checks they are equal.
template <class Row>
void RoundTrip(const Row& row) {
  StringPool pool;
  const std::string bytes = EncodeRow(row);
  Row back;
  REQUIRE(DecodeRow(bytes, pool, back));
  CHECK(back == row);
  CHECK(EncodeRow(back) == bytes);
  // A default row round-trips too (and differs from the filled one, so
  // the equality above is not vacuous).
  Row empty;
  REQUIRE(DecodeRow(EncodeRow(empty), pool, back));
  CHECK(back == empty);
  CHECK_FALSE(empty == row);
}

// Every proper prefix of `bytes`, and `bytes` with one more byte, are
// refused.
template <class Row>
void RefusesCuts(const std::string& bytes) {
  StringPool pool;
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    Row row;
    INFO("cut at " << n << " of " << bytes.size());
    CHECK_FALSE(DecodeRow(std::string_view(bytes).substr(0, n), pool, row));
  }
  Row row;
  CHECK_FALSE(DecodeRow(bytes + '\0', pool, row));
}

}  // namespace

TEST_CASE("every member of every stored row comes back", "[store][codec]") {
  Fill f;
  RoundTrip(MakeFinding(f));
  RoundTrip(MakeLot(f));
  RoundTrip(MakeContract(f));
  RoundTrip(MakeStation(f));
  RoundTrip(MakeVendor(f));
  RoundTrip(MakeAgency(f));
  RoundTrip(MakeKey(f));
  RoundTrip(MakeProgram(f));
  RoundTrip(MakePolicy(f));
  RoundTrip(Declared{f.Negative(), f.Seq()});
  RoundTrip(Review{f.Text(), f.Seq()});
  RoundTrip(CapSums{f.Int(), f.Negative(), f.Int()});
  RoundTrip(LotterySums{f.Int(), f.Int()});
  RoundTrip(SetupSums{{{2023, f.Int()}, {2024, f.Negative()}}});
  RoundTrip(SplitSum{f.Int()});
  RoundTrip(ReserveSums{f.Int(), f.Int(), 3});
  // The balance history's stored days (day_history.h).
  const BalanceRow account{f.Text(), f.Text(), f.Text(),
                           static_cast<int>(f.Int()),
                           Totals{f.Int(), f.Int(), f.Int(), f.Int(), f.Int(),
                                  f.Int(), f.Negative()}};
  RoundTrip(StoredBalanceDay{f.Seq(), {0, 2}, {account}});
  // The cap history's stored days.
  CapFigures cap;
  cap.county = f.Text();
  cap.year = static_cast<int>(f.Int());
  cap.r07_num = f.Int();
  cap.r07_base = f.Int();
  cap.r07_limit = f.Int();
  cap.r07_pct = f.Int();
  cap.r07_base_seq = f.Seq();
  cap.r07_over = true;
  cap.r08_num = f.Int();
  cap.r08_base = f.Int();
  cap.r08_limit = f.Negative();
  cap.r08_pct = f.Int();
  cap.r08_base_seq = f.Seq();
  cap.r08_over = true;
  cap.closed = true;
  cap.close_seq = f.Seq();
  RoundTrip(StoredCapDay{f.Seq(), {1}, {CapRow{f.Text(), cap}}});
  std::vector<std::string> keep;
  RoundTrip(MakePayment(f, keep));
}

TEST_CASE("a decoded payment's strings live in the pool, not the bytes",
          "[store][codec]") {
  Fill f;
  std::vector<std::string> keep;
  const Payment p = MakePayment(f, keep);
  StringPool pool;
  Payment back;
  {
    std::string bytes = EncodeRow(p);
    REQUIRE(DecodeRow(bytes, pool, back));
    bytes.assign(bytes.size(), 'x');  // the input is gone
  }
  CHECK(back == p);
  // Repeated values are interned: a second payment's lot is the same copy.
  Payment again;
  REQUIRE(DecodeRow(EncodeRow(p), pool, again));
  CHECK(again.lot.data() == back.lot.data());
  CHECK(again.id.data() != back.id.data());  // ids are copied, not shared
}

TEST_CASE("a stored row cut short or run on is refused", "[store][codec]") {
  Fill f;
  RefusesCuts<Lot>(EncodeRow(MakeLot(f)));
  RefusesCuts<Contract>(EncodeRow(MakeContract(f)));
  RefusesCuts<PolicySet>(EncodeRow(MakePolicy(f)));
  RefusesCuts<Vendor>(EncodeRow(MakeVendor(f)));
  std::vector<std::string> keep;
  RefusesCuts<Payment>(EncodeRow(MakePayment(f, keep)));
}

TEST_CASE("a stored row with impossible values is refused", "[store][codec]") {
  StringPool pool;
  Review review;
  // seq: an 11-byte varint, and a tenth byte above the 64th bit.
  CHECK_FALSE(DecodeRow(std::string("\x01s") + std::string(10, '\xff') + '\x01',
                        pool, review));
  CHECK_FALSE(DecodeRow(std::string("\x01s") + std::string(9, '\xff') + '\x02',
                        pool, review));
  CHECK(DecodeRow(std::string("\x01s") + std::string(9, '\xff') + '\x01', pool,
                  review));
  CHECK(review.seq == UINT64_MAX);
  // A bool that is neither 0 nor 1.
  KeyRecord key;
  std::string bytes = EncodeRow(KeyRecord{"a", "k", 1, 2, true});
  REQUIRE(bytes.back() == '\x01');
  bytes.back() = '\x02';
  CHECK_FALSE(DecodeRow(bytes, pool, key));
  // A fiscal year beyond an int.
  Lot lot;
  lot.fiscal_year = 2024;
  bytes = EncodeRow(lot);
  Lot big;
  big.fiscal_year = 1;
  std::string big_bytes = EncodeRow(big);
  // Six empty strings, then the year: replace its varint with 2^40.
  REQUIRE(big_bytes.substr(0, 7) == std::string(6, '\0') + '\x02');
  big_bytes =
      std::string(6, '\0') + "\x80\x80\x80\x80\x80\x20" + big_bytes.substr(7);
  CHECK_FALSE(DecodeRow(big_bytes, pool, lot));
  // A list count larger than the bytes left, which must not size a vector.
  Program program;
  CHECK_FALSE(DecodeRow(std::string("\xff\xff\xff\xff\x0f"), pool, program));
  // Map keys out of order (written sorted, each once).
  SetupSums sums{{{2023, 1}, {2024, 2}}};
  bytes = EncodeRow(sums);
  std::string swapped = EncodeRow(SetupSums{{{2024, 2}}}).substr(1) +
                        EncodeRow(SetupSums{{{2023, 1}}}).substr(1);
  SetupSums back;
  CHECK_FALSE(DecodeRow(std::string("\x02") + swapped, pool, back));
  CHECK(DecodeRow(bytes, pool, back));
  CHECK(back == sums);
  // A policy's parameters that are not JSON.
  PolicySet policy;
  CHECK_FALSE(
      DecodeRow(std::string("\x00\x00\x03{x}\x00\x00", 8), pool, policy));
  CHECK(DecodeRow(std::string("\x00\x00\x02{}\x00\x00", 7), pool, policy));
}

}  // namespace fl::replay
