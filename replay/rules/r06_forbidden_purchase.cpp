// R06 forbidden purchase 不得购买事项: a contract buying an administrative
// function (licensing, approval, benefit payment...) or labour dispatch.
#include "replay/money.h"
#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

void OnEvent(const Event& e, State& s, Findings& acts) {
  if (e.type != "contract.signed") return;
  const Value d = e.data();
  const std::string division(Str(d, "division_code"));
  Params p = ParamsFor(s, "R06", division, e.occurred);
  std::int64_t amount = 0;
  bool hit = false;
  for (Value item : Items(d, "items")) {
    if (p.Contains("forbidden", Str(item, "category"))) {
      hit = true;
      amount = FenAdd(amount, Int(item, "amount_fen"));
    }
  }
  if (!hit) return;
  std::vector<std::uint64_t> ev = {e.seq};
  if (p.policy_seq()) ev.push_back(p.policy_seq());
  acts.Add(MakeFinding("R06", Str(d, "contract_id"), division, kHigh, amount,
                       std::move(ev)));
}

}  // namespace

extern const Rule kR06 = {"R06", OnEvent, nullptr};

}  // namespace fl::replay
