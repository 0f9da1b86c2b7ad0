// The projections: what the log says about lots, contracts, payments,
// stations, vendors, keys, cap bases and policies, plus the findings of
// acts (rules judged when the event happened). Everything here is a pure
// fold of the log in seq order; see projector.h.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "crypto/check.h"
#include "ledger/canonical_json.h"
#include "replay/date.h"
#include "replay/payment_groups.h"
#include "replay/severity.h"
#include "replay/string_pool.h"
#include "replay/table.h"

namespace fl::replay {

// One finding of one rule about one subject (RULES.md "Subject and id").
struct Finding {
  std::string rule, subject, division;
  int severity = kInfo;
  std::int64_t amount = 0;
  std::vector<std::uint64_t> evidence;
  bool provisional = false;
  bool operator==(const Finding&) const = default;
};

// One allocation_id (EVENTS.md: a lot). `division` is where the money sits:
// the to_code of an issued lot, the division_code of a budget lot.
struct Lot {
  std::string id, fund, program, division, from_code, parent;
  int fiscal_year = 0;
  bool budget = false, pass_through = false, transfer = false;
  std::int64_t amount = 0;  // issued / appropriated / transferred in
  std::int64_t received = 0, issued_down = 0, transferred_out = 0,
               recovered = 0, paid = 0;
  Day issued_on = kNoDay, received_on = kNoDay;
  std::vector<std::string> targets;
  std::int64_t min_per_target = 0;
  Day deadline = kNoDay;
  std::map<std::string, std::int64_t, std::less<>>
      target_paid;  // by the deadline
  std::uint64_t open_seq = 0;
  bool received_seen = false;
  std::uint64_t received_seq = 0;
  std::vector<std::tuple<Day, std::int64_t, std::uint64_t>>
      down_issues;  // child issues: date, amount, seq
  bool operator==(const Lot&) const = default;
};

struct Item {
  std::string category;
  std::int64_t amount = 0;
  bool operator==(const Item&) const = default;
};
struct Funding {
  std::string lot;
  std::int64_t amount = 0;
  bool operator==(const Funding&) const = default;
};

struct Contract {
  std::string id, division, program, supplier, method;
  std::int64_t value = 0;
  Day start = kNoDay, end = kNoDay, signed_on = kNoDay;
  std::vector<std::string> stations;
  // Positions in `stations`, sorted by name: R05 asks whether the contract
  // covers a payment's station for every payment, and a contract names up
  // to ~300 stations (a linear search was ~6% of a replay at 1M entries).
  // Derived from `stations`, so not stored: IndexStations() rebuilds it
  // wherever `stations` is set, and on load.
  std::vector<std::uint32_t> stations_by_name;
  std::vector<Item> items;
  std::vector<Funding> funding;
  bool amended = false, terminated = false;
  Day terminated_on = kNoDay;
  std::int64_t paid = 0;
  std::map<std::string, std::int64_t, std::less<>> paid_by_lot;
  std::int64_t out_of_scope_paid = 0;                  // R05 cumulative
  std::map<std::string, Day, std::less<>> milestones;  // accepted_on
  // Those accepted before `start` (few): R18 asks for every payment, and a
  // lookup in `milestones` was ~3% of a replay at 1M entries.
  std::vector<std::string> early_milestones;
  std::uint64_t signed_seq = 0;

  void IndexStations() {
    stations_by_name.resize(stations.size());
    for (std::uint32_t i = 0; i < stations_by_name.size(); ++i)
      stations_by_name[i] = i;
    std::sort(stations_by_name.begin(), stations_by_name.end(),
              [&](std::uint32_t a, std::uint32_t b) {
                return stations[a] < stations[b];
              });
  }
  bool Covers(std::string_view station) const {
    FL_CHECK(stations_by_name.size() == stations.size(), "contract ", id,
             ": stations not indexed");
    auto it = std::lower_bound(
        stations_by_name.begin(), stations_by_name.end(), station,
        [&](std::uint32_t i, std::string_view s) { return stations[i] < s; });
    return it != stations_by_name.end() && stations[*it] == station;
  }
  bool operator==(const Contract&) const = default;
};

// Its strings are views into State::strings (string_pool.h).
struct Payment {
  std::string_view id, lot, payee, economic_class, service_category, purpose,
      invoice, contract, milestone, station;
  std::int64_t amount = 0;
  Day paid_on = kNoDay;
  bool reversed = false;
  std::uint64_t seq = 0, reversal_seq = 0;
  bool operator==(const Payment&) const = default;
};

struct Station {
  std::string id, name, division;
  Day established = kNoDay, deregistered = kNoDay;
  std::uint64_t seq = 0, deregistered_seq = 0;
  bool operator==(const Station&) const = default;
};

struct SanctionWindow {
  std::string list;
  Day from = kNoDay, to = kNoDay;  // [from, to)
  Day lifted = kNoDay;             // ends the window early
  std::uint64_t seq = 0, lift_seq = 0;
  bool operator==(const SanctionWindow&) const = default;
};
struct Vendor {
  std::vector<SanctionWindow> windows;
  bool operator==(const Vendor&) const = default;
};

struct Agency {
  std::string kind, division, uscc;
  std::uint64_t seq = 0;
  bool operator==(const Agency&) const = default;
};
struct KeyRecord {
  std::string agency, public_key;
  std::uint64_t added_seq = 0, revoked_seq = 0;
  bool revoked = false;
  bool operator==(const KeyRecord&) const = default;
};

struct Program {
  std::vector<std::string> purposes, allowed_categories;
  std::uint64_t seq = 0;
  bool operator==(const Program&) const = default;
};

struct PolicySet {
  std::string rule, scope;
  Json params;
  Day effective_from = kNoDay;
  std::uint64_t seq = 0;
  bool operator==(const PolicySet&) const = default;
};

struct Declared {  // cap_base.declared, latest by seq wins
  std::int64_t amount = 0;
  std::uint64_t seq = 0;
  bool operator==(const Declared&) const = default;
};

struct Review {  // flag.reviewed, latest by seq wins
  std::string status;
  std::uint64_t seq = 0;
  bool operator==(const Review&) const = default;
};

// Running sums per (county, year) for R07/R08 and per (division, year) for
// R15(c); payments add, reversals subtract.
struct CapSums {
  std::int64_t r07 = 0;       // assistance.*, program != ASSIST.BENEFIT
  std::int64_t r08 = 0;       // hardship_subsidy, program != ASSIST.BENEFIT
  std::int64_t hardship = 0;  // every hardship_subsidy payment
  bool operator==(const CapSums&) const = default;
};
struct LotterySums {
  std::int64_t total = 0, elderly = 0;
  bool operator==(const LotterySums&) const = default;
};
// A station's SWS.SETUP payments, not reversed, summed by the year they
// were paid (R16): "paid by Dec 31 of the year it was established" is the
// years up to that one, whenever the station itself was registered.
struct SetupSums {
  std::map<int, std::int64_t> by_year;
  bool operator==(const SetupSums&) const = default;
};

// Item sums per (buyer, year, program, category) of non-open contracts.
struct SplitSum {
  std::int64_t amount = 0;
  bool operator==(const SplitSum&) const = default;
};
// Per (buyer, year): SWS.OPS contracts and their supervision reserve.
struct ReserveSums {
  std::int64_t ops_total = 0, reserve = 0;
  int ops_contracts = 0;
  bool operator==(const ReserveSums&) const = default;
};

struct State {
  std::uint64_t next_seq = 0;  // entries applied: [0, next_seq)
  Day newest_day = kNoDay;     // newest occurred_at date, genesis excluded
  Day genesis_day = kNoDay;    // used only while the log holds nothing else
  Day filter_as_of = kNoDay;   // events dated later are ignored (kNoDay: none)

  StringPool strings;  // the bytes of payments' strings; declared before
                       // the tables so that it outlives them

  Table<Lot> lots;
  Table<Contract> contracts;
  Table<Payment> payments;
  Table<Station> stations;
  Table<Vendor> vendors;
  Table<Agency> agencies;
  Table<KeyRecord> keys;
  Table<Program> programs;
  Table<PolicySet> policies;    // by be64(seq)
  Table<Declared> cap_bases;    // kind|division|year
  Table<Declared> closes;       // division|year
  Table<Review> reviews;        // flag_id
  Table<Declared> exceptions;   // rule|ref -> first approval seq
  Table<CapSums> caps;          // county|year
  Table<LotterySums> lottery;   // division|year
  Table<SetupSums> setups;      // station (R16)
  Table<SplitSum> splits;       // buyer|year|program|category
  Table<ReserveSums> reserves;  // buyer|year
  Table<Finding> acts;          // rule|subject

  // Append-only lists.
  MultiIndex seqs;                // "l/"+lot, "c/"+contract, "f/"+flag_id
                                  // (reviews) -> seqs (decimal)
  MultiIndex lot_contracts;       // lot -> contracts funded from it
  MultiIndex supplier_contracts;  // uscc -> contracts
  PaymentGroups payment_groups;   // station, payee, (payee, invoice),
                                  // (contract, milestone), (payee, amount,
                                  // bucket) -> payments
  MultiIndex dup_candidates;      // "" -> payments that joined a dup group
  MultiIndex cap_payments;        // county|year -> payments counted by R07/R08
  MultiIndex split_contracts;     // buyer|year|program|category -> contracts
  MultiIndex reserve_contracts;   // buyer|year -> contracts
  MultiIndex close_list;          // "" -> division|year closed
  MultiIndex policy_rules;        // rule -> policy ids
};

std::string SeqKey(std::uint64_t seq);  // fixed-width, sorts by number
// Points `p`'s strings at copies in `pool` (they may view an event or a
// stored row on the way in).
void KeepStrings(StringPool& pool, Payment& p);
// Fills s.payment_groups from s.payments, in seq order as the fold added them:
// the groups are not persisted (payment_groups.h).
void RebuildPaymentGroups(State& s);

}  // namespace fl::replay
