// R11 overspend 超合同/超预算: payments above a contract's value after
// amendments, a lot below zero (states: later events may cure them), and
// a contract signed for more than its lots had available (an act).
#include <map>

#include "replay/money.h"
#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

std::vector<std::uint64_t> Seqs(const State& s, const std::string& key) {
  std::vector<std::uint64_t> out;
  for (const auto& v : s.seqs.Get(key)) out.push_back(ParseSeq(v));
  return out;
}

void OnEvent(const Event& e, State& s, Findings& acts) {
  if (e.type != "contract.signed") return;
  const Value d = e.data();
  std::map<std::string, std::int64_t, std::less<>> by_lot;
  for (Value f : Items(d, "funding")) {
    std::int64_t& sum = by_lot[std::string(Str(f, "allocation_id"))];
    sum = FenAdd(sum, Int(f, "amount_fen"));
  }
  const std::string division(Str(d, "division_code"));
  Params p = ParamsFor(s, "R11", division, e.occurred);
  std::int64_t excess = 0;
  std::vector<std::uint64_t> ev = {e.seq};
  for (const auto& [id, amount] : by_lot) {
    const Lot* lot = s.lots.Find(id);
    if (!lot) continue;
    std::int64_t available = FenSub(Balance(*lot), Committed(s, *lot));
    if (FenSub(amount, available) > p.Int("tolerance")) {
      excess = FenAdd(excess, FenSub(amount, available));
      ev.push_back(lot->open_seq);
    }
  }
  if (excess <= 0) return;
  acts.Add(MakeFinding("R11", Str(d, "contract_id"), division, kHigh, excess,
                       std::move(ev)));
}

void AtAsOf(const State& s, Day /*as_of*/, Findings& out) {
  // Nearly no contract or lot is over any tolerance in force: those are
  // passed over without looking up their own, which built a string key
  // and searched the policies for every lot at every judgement.
  const std::int64_t lowest = LowestIntParam(s, "R11", "tolerance");
  for (const auto& [id, c] : s.contracts.rows()) {
    const std::int64_t over = FenSub(c.paid, c.value);
    if (over <= lowest) continue;
    Params p = ParamsFor(s, "R11", c.division, c.signed_on);
    if (over <= p.Int("tolerance")) continue;
    out.Add(MakeFinding("R11", id, c.division, kCritical, over,
                        Seqs(s, "c/" + std::string(id))));
  }
  for (const auto& [id, lot] : s.lots.rows()) {
    const std::int64_t overdrawn = FenNeg(Balance(lot));
    if (overdrawn <= lowest) continue;
    Params p = ParamsFor(s, "R11", lot.division, lot.issued_on);
    if (overdrawn <= p.Int("tolerance")) continue;
    out.Add(MakeFinding("R11", id, lot.division, kCritical, overdrawn,
                        Seqs(s, "l/" + std::string(id))));
  }
}

}  // namespace

extern const Rule kR11 = {"R11", OnEvent, AtAsOf};

}  // namespace fl::replay
