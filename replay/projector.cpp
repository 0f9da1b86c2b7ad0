#include "replay/projector.h"

#include <algorithm>
#include <set>

#include "crypto/check.h"
#include "crypto/ed25519.h"
#include "crypto/encoding.h"
#include "ledger/division.h"
#include "replay/money.h"
#include "replay/policy.h"
#include "replay/programs.h"
#include "replay/review_history.h"
#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

void Note(State& s, char kind, std::string_view id, std::uint64_t seq) {
  std::string key(1, kind);
  key.append("/").append(id);
  s.seqs.Add(key, std::to_string(seq));
}

std::vector<std::string> Strings(Value data, const char* key) {
  std::vector<std::string> out;
  for (Value v : data[key])
    if (v.is_string()) out.emplace_back(v.str());
  return out;
}

void AddKey(State& s, std::string_view agency, std::string_view b64,
            std::uint64_t seq) {
  auto raw = Base64Decode(b64);
  if (!raw || raw->size() != 32) return;
  PublicKey pk{};
  std::copy(raw->begin(), raw->end(), pk.begin());
  std::string id = KeyId(pk);
  if (s.keys.Find(id)) return;
  KeyRecord& k = s.keys.Upsert(id);
  k.agency = agency;
  k.public_key = b64;
  k.added_seq = seq;
}

// m[key], without building a std::string when the key is there already.
std::int64_t& SumAt(std::map<std::string, std::int64_t, std::less<>>& m,
                    std::string_view key) {
  auto it = m.find(key);
  if (it == m.end()) it = m.emplace(std::string(key), 0).first;
  return it->second;
}

// Payment and reversal both move the same running sums, with sign +1/-1.
void MovePaymentSums(State& s, const Payment& p, std::int64_t sign) {
  Lot* lot = s.lots.Mut(p.lot);
  if (!lot) return;
  std::int64_t amt = sign * p.amount;
  lot->paid = FenAdd(lot->paid, amt);
  if (!lot->targets.empty() && !p.station.empty() &&
      std::find(lot->targets.begin(), lot->targets.end(), p.station) !=
          lot->targets.end() &&
      (lot->deadline == kNoDay || p.paid_on <= lot->deadline)) {
    std::int64_t& t = SumAt(lot->target_paid, p.station);
    t = FenAdd(t, amt);
  }
  if (!p.contract.empty()) {
    if (Contract* c = s.contracts.Mut(p.contract)) {
      c->paid = FenAdd(c->paid, amt);
      std::int64_t& by_lot = SumAt(c->paid_by_lot, p.lot);
      by_lot = FenAdd(by_lot, amt);
    }
  }
  for (const Rule& r : AllRules()) {
    if (r.on_payment) r.on_payment(s, p, *lot, sign);
  }
}

// `stored` is the payment's row, with its strings interned (KeepStrings);
// `lot` its lot. A payment is applied only when its lot is known, and a
// lot's program never changes, so the SWS.SETUP group stays exact; a
// stored payment whose lot row is missing counts for no program, as R16
// counted it before it had this group.
void JoinPaymentGroups(State& s, const Payment& stored, const Lot* lot) {
  s.payment_groups.Add(InvoiceGroup(stored), &stored);
  if (HasMilestoneGroup(stored))
    s.payment_groups.Add(MilestoneGroup(stored), &stored);
  s.payment_groups.Add(AmountGroup(stored), &stored);
  s.payment_groups.Add(PaymentGroups::Key::Payee(stored.payee), &stored);
  if (!stored.station.empty()) {
    s.payment_groups.Add(PaymentGroups::Key::Station(stored.station), &stored);
    if (lot && lot->program == programs::kSwsSetup) {
      s.payment_groups.Add(PaymentGroups::Key::StationSetup(stored.station),
                           &stored);
    }
  }
}

void ApplyPayment(State& s, const Event& e) {
  const PaymentFields& f = e.payment();
  const Lot* lot = s.lots.Find(f.lot);
  if (!lot || s.payments.Find(f.id)) return;
  Payment p;
  p.id = f.id;
  p.lot = f.lot;
  p.payee = f.payee;
  p.amount = f.amount;
  p.paid_on = f.paid_on;
  p.economic_class = f.economic_class;
  p.service_category = f.service_category;
  p.purpose = f.purpose;
  p.invoice = f.invoice;
  // Filtered out by as_of when the contract is unknown.
  if (!f.contract.empty() && s.contracts.Find(f.contract))
    p.contract = f.contract;
  p.milestone = f.milestone;
  p.station = f.station;
  p.seq = e.seq;
  KeepStrings(s.strings, p);  // the views above are into the event
  // Duplicate groups (R13): a payment joining a non-empty group is a
  // candidate the rule re-checks at as_of (reversals may clear it).
  const Day window = static_cast<Day>(
      ParamsFor(s, "R13", lot->division, p.paid_on).Int("window"));
  const auto [first, last] = AmountBucketsNear(p.paid_on, window);
  auto near = [&](Day b) {
    return PaymentGroups::Key::Amount(p.payee, p.amount, b);
  };
  // Almost every group looked up is absent: all are prefetched, then read.
  s.payment_groups.Prefetch(InvoiceGroup(p));
  if (HasMilestoneGroup(p)) s.payment_groups.Prefetch(MilestoneGroup(p));
  for (Day b = first; b <= last; ++b) s.payment_groups.Prefetch(near(b));
  bool candidate = false;
  for (const Payment& q : s.payment_groups.Get(InvoiceGroup(p)))
    candidate = candidate || SameInvoice(q, p);
  if (HasMilestoneGroup(p)) {
    for (const Payment& q : s.payment_groups.Get(MilestoneGroup(p)))
      candidate = candidate || SameMilestone(q, p);
  }
  for (Day b = first; b <= last && !candidate; ++b)
    candidate = !s.payment_groups.Get(near(b)).empty();
  if (candidate) s.dup_candidates.Add("", p.id);
  Note(s, 'l', p.lot, e.seq);
  if (!p.contract.empty()) Note(s, 'c', p.contract, e.seq);
  Payment& stored = s.payments.Upsert(p.id);
  stored = std::move(p);
  JoinPaymentGroups(s, stored, lot);
  MovePaymentSums(s, stored, +1);
}

void ApplyContract(State& s, const Event& e) {
  const Value d = e.data();
  std::string id(Str(d, "contract_id"));
  if (s.contracts.Find(id)) return;
  Contract c;
  c.id = id;
  c.division = Str(d, "division_code");
  c.program = Str(d, "program");
  c.supplier = Str(d, "supplier_uscc");
  c.method = Str(d, "procurement_method");
  c.value = Int(d, "value_fen");
  c.start = DateField(d["period"], "start");
  c.end = DateField(d["period"], "end");
  c.signed_on = e.occurred;
  c.signed_seq = e.seq;
  c.stations = Strings(d, "stations");
  c.IndexStations();
  for (Value it : Items(d, "items"))
    c.items.push_back(
        {std::string(Str(it, "category")), Int(it, "amount_fen")});
  std::set<std::string> lots;
  for (Value f : Items(d, "funding")) {
    c.funding.push_back(
        {std::string(Str(f, "allocation_id")), Int(f, "amount_fen")});
    lots.insert(c.funding.back().lot);
  }
  for (const auto& l : lots) {
    if (!s.lots.Find(l)) continue;
    s.lot_contracts.Add(l, id);
    Note(s, 'l', l, e.seq);
  }
  s.supplier_contracts.Add(c.supplier, id);
  Note(s, 'c', id, e.seq);
  Contract& stored = s.contracts.Upsert(id);
  stored = std::move(c);
  for (const Rule& r : AllRules()) {
    if (r.on_contract) r.on_contract(s, stored);
  }
}

void ApplyAgencyRegistered(State& s, const Event& e) {
  const Value d = e.data();
  Agency& a = s.agencies.Upsert(Str(d, "agency"));
  a.kind = Str(d, "kind");
  a.division = Str(d, "division_code");
  a.uscc = Str(d, "uscc");
  a.seq = e.seq;
  AddKey(s, Str(d, "agency"), Str(d, "public_key"), e.seq);
}

void ApplyAgencyKeyAdded(State& s, const Event& e) {
  const Value d = e.data();
  AddKey(s, Str(d, "agency"), Str(d, "public_key"), e.seq);
}

void ApplyAgencyKeyRevoked(State& s, const Event& e) {
  const Value d = e.data();
  if (KeyRecord* k = s.keys.Mut(Str(d, "key_id")); k && !k->revoked) {
    k->revoked = true;
    k->revoked_seq = e.seq;
  }
}

void ApplyProgramDefined(State& s, const Event& e) {
  const Value d = e.data();
  Program& p = s.programs.Upsert(Str(d, "program"));
  p.purposes = Strings(d, "purposes");
  p.allowed_categories = Strings(d, "allowed_categories");
  p.seq = e.seq;
}

void ApplyPolicySet(State& s, const Event& e) {
  const Value d = e.data();
  std::string id = SeqKey(e.seq);
  PolicySet& p = s.policies.Upsert(id);
  p.rule = Str(d, "rule");
  p.scope = Str(d, "scope");
  p.params = d.contains("params") ? d["params"].ToJson() : Json::object();
  p.effective_from = DateField(d, "effective_from");
  p.seq = e.seq;
  s.policy_rules.Add(p.rule, id);
}

void ApplyBudgetAppropriated(State& s, const Event& e) {
  const Value d = e.data();
  std::string id(Str(d, "allocation_id"));
  if (s.lots.Find(id)) return;
  Lot& l = s.lots.Upsert(id);
  l.id = id;
  l.budget = true;
  l.fund = Str(d, "fund");
  l.program = Str(d, "program");
  l.division = l.from_code = Str(d, "division_code");
  l.fiscal_year = static_cast<int>(Int(d, "fiscal_year"));
  l.amount = l.received = Int(d, "amount_fen");
  l.issued_on = l.received_on = e.occurred;
  l.received_seen = true;
  l.open_seq = l.received_seq = e.seq;
  Note(s, 'l', id, e.seq);
}

void ApplyAllocationIssued(State& s, const Event& e) {
  const Value d = e.data();
  std::string id(Str(d, "allocation_id"));
  if (s.lots.Find(id)) return;
  Lot l;
  l.id = id;
  l.fund = Str(d, "fund");
  l.program = Str(d, "program");
  l.from_code = Str(d, "from_code");
  l.division = Str(d, "to_code");
  l.parent = Str(d, "parent_allocation_id");
  l.fiscal_year = static_cast<int>(Int(d, "fiscal_year"));
  l.amount = Int(d, "amount_fen");
  l.pass_through = d["pass_through"].boolean();
  l.targets = Strings(d, "targets");
  l.min_per_target = Int(d, "min_per_target_fen");
  l.deadline = DateField(d, "deadline");
  l.issued_on = e.occurred;
  l.open_seq = e.seq;
  if (Lot* parent = l.parent.empty() ? nullptr : s.lots.Mut(l.parent)) {
    parent->issued_down = FenAdd(parent->issued_down, l.amount);
    parent->down_issues.emplace_back(e.occurred, l.amount, e.seq);
    Note(s, 'l', l.parent, e.seq);
  }
  Note(s, 'l', id, e.seq);
  s.lots.Upsert(id) = std::move(l);
}

void ApplyAllocationReceived(State& s, const Event& e) {
  const Value d = e.data();
  Lot* l = s.lots.Mut(Str(d, "allocation_id"));
  if (!l) return;
  l->received = FenAdd(l->received, Int(d, "amount_fen"));
  if (!l->received_seen) {
    l->received_seen = true;
    l->received_on = DateField(d, "received_on");
    l->received_seq = e.seq;
  }
  Note(s, 'l', l->id, e.seq);
}

void ApplyFundsRecovered(State& s, const Event& e) {
  const Value d = e.data();
  Lot* l = s.lots.Mut(Str(d, "allocation_id"));
  if (!l) return;
  l->recovered = FenAdd(l->recovered, Int(d, "amount_fen"));
  Note(s, 'l', l->id, e.seq);
}

void ApplyFundsTransferred(State& s, const Event& e) {
  const Value d = e.data();
  Lot* from = s.lots.Mut(Str(d, "allocation_id"));
  std::string id(Str(d, "new_allocation_id"));
  if (!from || s.lots.Find(id)) return;
  std::int64_t amt = Int(d, "amount_fen");
  from->transferred_out = FenAdd(from->transferred_out, amt);
  Lot l;
  l.id = id;
  l.transfer = true;
  l.fund = Str(d, "to_fund");
  l.program = Str(d, "to_program");
  l.division = l.from_code = from->division;
  l.parent = from->id;
  l.fiscal_year = from->fiscal_year;
  l.amount = l.received = amt;
  l.issued_on = l.received_on = e.occurred;
  l.received_seen = true;
  l.open_seq = l.received_seq = e.seq;
  Note(s, 'l', from->id, e.seq);
  Note(s, 'l', id, e.seq);
  s.lots.Upsert(id) = std::move(l);
}

void ApplyCapBaseDeclared(State& s, const Event& e) {
  const Value d = e.data();
  Declared& c =
      s.cap_bases.Upsert(JoinKey({Str(d, "kind"), Str(d, "division_code"),
                                  std::to_string(Int(d, "fiscal_year"))}));
  c.amount = Int(d, "amount_fen");
  c.seq = e.seq;
}

void ApplyFiscalYearClosed(State& s, const Event& e) {
  const Value d = e.data();
  std::string key =
      JoinKey({Str(d, "division_code"), std::to_string(Int(d, "fiscal_year"))});
  if (s.closes.Find(key)) return;
  s.closes.Upsert(key).seq = e.seq;
  s.close_list.Add("", key);
}

void ApplyStationEstablished(State& s, const Event& e) {
  const Value d = e.data();
  std::string id(Str(d, "station_id"));
  if (s.stations.Find(id)) return;
  Station& st = s.stations.Upsert(id);
  st.id = id;
  st.name = Str(d, "name");
  st.division = Str(d, "division_code");
  st.established = DateField(d, "date");
  st.seq = e.seq;
}

void ApplyStationDeregistered(State& s, const Event& e) {
  const Value d = e.data();
  Station* st = s.stations.Mut(Str(d, "station_id"));
  if (!st || st->deregistered != kNoDay) return;
  st->deregistered = DateField(d, "date");
  st->deregistered_seq = e.seq;
}

void ApplyVendorSanctioned(State& s, const Event& e) {
  const Value d = e.data();
  SanctionWindow w;
  w.list = Str(d, "list");
  w.from = DateField(d, "from");
  w.to = DateField(d, "to");
  w.seq = e.seq;
  s.vendors.Upsert(Str(d, "uscc")).windows.push_back(w);
}

void ApplyVendorSanctionLifted(State& s, const Event& e) {
  const Value d = e.data();
  Vendor* v = s.vendors.Mut(Str(d, "uscc"));
  if (!v) return;
  Day date = DateField(d, "date");
  for (auto& w : v->windows) {
    Day end = w.lifted != kNoDay ? std::min(w.lifted, w.to) : w.to;
    if (w.list == Str(d, "list") && w.from <= date && date < end) {
      w.lifted = date;
      w.lift_seq = e.seq;
    }
  }
}

void ApplyContractAmended(State& s, const Event& e) {
  const Value d = e.data();
  Contract* c = s.contracts.Mut(Str(d, "contract_id"));
  if (!c) return;
  c->value = FenAdd(c->value, Int(d, "value_delta_fen"));
  if (Day end = DateField(d, "period_end"); end != kNoDay) c->end = end;
  c->amended = true;
  Note(s, 'c', c->id, e.seq);
}

void ApplyContractTerminated(State& s, const Event& e) {
  const Value d = e.data();
  Contract* c = s.contracts.Mut(Str(d, "contract_id"));
  if (!c || c->terminated) return;
  c->terminated = true;
  c->terminated_on = DateField(d, "date");
  Note(s, 'c', c->id, e.seq);
}

void ApplyMilestoneAccepted(State& s, const Event& e) {
  const Value d = e.data();
  Contract* c = s.contracts.Mut(Str(d, "contract_id"));
  if (!c) return;
  // The first acceptance of a milestone is the one that counts.
  auto [m, added] = c->milestones.emplace(Str(d, "milestone_id"),
                                          DateField(d, "accepted_on"));
  if (added && m->second < c->start) c->early_milestones.push_back(m->first);
  Note(s, 'c', c->id, e.seq);
}

void ApplyPaymentReversed(State& s, const Event& e) {
  const Value d = e.data();
  Payment* p = s.payments.Mut(Str(d, "payment_id"));
  if (!p || p->reversed) return;
  p->reversed = true;
  p->reversal_seq = e.seq;
  Note(s, 'l', p->lot, e.seq);
  if (!p->contract.empty()) Note(s, 'c', p->contract, e.seq);
  MovePaymentSums(s, *p, -1);
}

void ApplyEvaluationCompleted(State& s, const Event& e) {
  const Value d = e.data();
  if (s.contracts.Find(Str(d, "contract_id")))
    Note(s, 'c', Str(d, "contract_id"), e.seq);
}

void ApplyExceptionApproved(State& s, const Event& e) {
  const Value d = e.data();
  std::string key = JoinKey({Str(d, "rule"), Str(d, "ref")});
  if (!s.exceptions.Find(key)) s.exceptions.Upsert(key).seq = e.seq;
}

void ApplyFlagReviewed(State& s, const Event& e) {
  const Value d = e.data();
  Review& r = s.reviews.Upsert(Str(d, "flag_id"));
  r.status = Str(d, "status");
  r.seq = e.seq;
}

// One row per event type: how it moves the projections. Types with no row
// (none today) change no projection; the ledger has already refused any
// type EVENTS.md does not list.
struct ProjectionRow {
  std::string_view type;
  void (*apply)(State&, const Event&);
};

constexpr ProjectionRow kProjectionRows[] = {
    {"payment.made", ApplyPayment},
    {"contract.signed", ApplyContract},
    {"agency.registered", ApplyAgencyRegistered},
    {"agency.key_added", ApplyAgencyKeyAdded},
    {"agency.key_revoked", ApplyAgencyKeyRevoked},
    {"program.defined", ApplyProgramDefined},
    {"policy.set", ApplyPolicySet},
    {"budget.appropriated", ApplyBudgetAppropriated},
    {"allocation.issued", ApplyAllocationIssued},
    {"allocation.received", ApplyAllocationReceived},
    {"funds.recovered", ApplyFundsRecovered},
    {"funds.transferred", ApplyFundsTransferred},
    {"cap_base.declared", ApplyCapBaseDeclared},
    {"fiscal_year.closed", ApplyFiscalYearClosed},
    {"station.established", ApplyStationEstablished},
    {"station.deregistered", ApplyStationDeregistered},
    {"vendor.sanctioned", ApplyVendorSanctioned},
    {"vendor.sanction_lifted", ApplyVendorSanctionLifted},
    {"contract.amended", ApplyContractAmended},
    {"contract.terminated", ApplyContractTerminated},
    {"milestone.accepted", ApplyMilestoneAccepted},
    {"payment.reversed", ApplyPaymentReversed},
    {"evaluation.completed", ApplyEvaluationCompleted},
    {"exception.approved", ApplyExceptionApproved},
    {"flag.reviewed", ApplyFlagReviewed},
};

void ApplyEvent(State& s, const Event& e) {
  for (const ProjectionRow& row : kProjectionRows) {
    if (row.type == e.type) return row.apply(s, e);
  }
}

}  // namespace

void Apply(State& s, const Event& e) {
  // A gap or a repeat would fold the log wrongly and silently; stop instead.
  FL_CHECK(e.seq == s.next_seq, "projector applied up to seq ", s.next_seq,
           " but was given seq ", e.seq);
  s.next_seq = e.seq + 1;
  if (s.filter_as_of != kNoDay && e.occurred > s.filter_as_of) return;
  if (e.seq == 0) {
    s.genesis_day = e.occurred;
  } else if (s.newest_day == kNoDay || e.occurred > s.newest_day) {
    s.newest_day = e.occurred;
  }
  Findings acts;
  for (const Rule& r : AllRules())
    if (r.on_event) r.on_event(e, s, acts);
  for (auto& [key, f] : acts.all()) {
    if (const Finding* old = s.acts.Find(key)) {
      Finding merged = *old;
      MergeFinding(merged, f);
      s.acts.Upsert(key) = std::move(merged);
    } else {
      s.acts.Upsert(key) = std::move(f);
    }
  }
  ApplyEvent(s, e);
  NoteReview(s, e);
}

void RebuildPaymentGroups(State& s) {
  std::vector<const Payment*> by_seq;
  by_seq.reserve(s.payments.size());
  for (const auto& [id, p] : s.payments.rows()) by_seq.push_back(&p);
  std::sort(by_seq.begin(), by_seq.end(),
            [](const Payment* a, const Payment* b) { return a->seq < b->seq; });
  for (const Payment* p : by_seq) JoinPaymentGroups(s, *p, s.lots.Find(p->lot));
}

void KeepStrings(StringPool& pool, Payment& p) {
  // Values that repeat across payments are interned; ids are not.
  p.id = pool.Copy(p.id);
  p.lot = pool.Intern(p.lot);
  p.payee = pool.Intern(p.payee);
  p.economic_class = pool.Intern(p.economic_class);
  p.service_category = pool.Intern(p.service_category);
  p.purpose = pool.Intern(p.purpose);
  p.invoice = pool.Copy(p.invoice);
  p.contract = pool.Intern(p.contract);
  p.milestone = pool.Copy(p.milestone);
  p.station = pool.Intern(p.station);
}

std::string SeqKey(std::uint64_t seq) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%020llu",
                static_cast<unsigned long long>(seq));
  return buf;
}

}  // namespace fl::replay
