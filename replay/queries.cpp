#include "replay/queries.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "ledger/division.h"
#include "replay/money.h"
#include "replay/rules/caps.h"
#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

bool InScope(const std::string& division, const std::string& scope) {
  return scope.empty() || DivisionWithin(division, scope);
}

std::vector<std::uint64_t> SeqList(const State& s, const std::string& key) {
  std::vector<std::uint64_t> out;
  for (const auto& v : s.seqs.Get(key)) out.push_back(ParseSeq(v));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Json DayOrNull(Day d) {
  return d == kNoDay ? Json(nullptr) : Json(FormatDay(d));
}

}  // namespace

Json Balances(const State& s, const BalanceFilter& f) {
  return Json{{"balances", BalanceArray(BalanceRows(s), f)}};
}

namespace {

// A lot's figures and facts; LotView adds its targets and seqs.
Json LotRow(const State& s, const Lot& l, Day as_of) {
  Totals t;
  if (l.budget) t.appropriated = l.amount;
  t.received = l.received;
  t.issued_down = l.issued_down;
  t.transferred_out = l.transferred_out;
  t.recovered = l.recovered;
  t.paid = l.paid;
  t.committed = Committed(s, l);
  Json j = TotalsJson(t);
  j["allocation_id"] = l.id;
  j["kind"] = l.budget ? "budget" : l.transfer ? "transfer" : "allocation";
  j["fund"] = l.fund;
  j["program"] = l.program;
  j["division_code"] = l.division;
  j["from_code"] = l.from_code;
  j["parent_allocation_id"] = l.parent.empty() ? Json(nullptr) : Json(l.parent);
  j["fiscal_year"] = l.fiscal_year;
  j["amount_fen"] = l.amount;
  j["pass_through"] = l.pass_through;
  j["issued_on"] = DayOrNull(l.issued_on);
  j["received_on"] = DayOrNull(l.received_seen ? l.received_on : kNoDay);
  j["age_days"] = l.received_seen ? Json(as_of - l.received_on) : Json(nullptr);
  return j;
}

// A contract's figures and facts; ContractView adds its lists.
Json ContractRow(const Contract& c) {
  return Json{
      {"contract_id", c.id},
      {"division_code", c.division},
      {"program", c.program},
      {"supplier_uscc", c.supplier},
      {"procurement_method", c.method},
      {"value_fen", c.value},
      {"paid", c.paid},
      {"remaining", FenSub(c.value, c.paid)},
      {"period", {{"start", FormatDay(c.start)}, {"end", FormatDay(c.end)}}},
      {"amended", c.amended},
      {"terminated", c.terminated}};
}

// The rows of `table` that `keep` accepts and whose id sorts after the
// cursor, sorted by id, at most f.limit of them; `next` is the page's last
// id when more follow. Only the page is sorted (nth_element first), so a
// page of a large table costs one pass over it.
template <class V, class Keep>
std::vector<const V*> PageOf(const Table<V>& table, const ListFilter& f,
                             Keep keep, Json* next) {
  std::vector<std::pair<std::string_view, const V*>> hits;
  for (const auto& [id, row] : table.rows()) {
    if (!f.cursor.empty() && id <= f.cursor) continue;
    if (keep(row)) hits.emplace_back(id, &row);
  }
  auto by_id = [](const auto& a, const auto& b) { return a.first < b.first; };
  const std::size_t limit = std::max<std::size_t>(1, f.limit);
  const bool more = hits.size() > limit;
  if (more) {
    std::nth_element(hits.begin(), hits.begin() + limit, hits.end(), by_id);
    hits.resize(limit);
  }
  std::sort(hits.begin(), hits.end(), by_id);
  *next = more ? Json(std::string(hits.back().first)) : Json(nullptr);
  std::vector<const V*> out;
  out.reserve(hits.size());
  for (const auto& h : hits) out.push_back(h.second);
  return out;
}

}  // namespace

Result<Json> LotView(const State& s, const std::string& id, Day as_of,
                     std::string* division) {
  const Lot* l = s.lots.Find(id);
  if (!l) return MakeError(Code::kNotFound, "not_found", "no lot " + id);
  *division = l->division;
  Json j = LotRow(s, *l, as_of);
  j["as_of"] = FormatDay(as_of);
  j["targets"] = l->targets;
  j["seqs"] = SeqList(s, "l/" + id);
  return j;
}

Result<Json> ContractView(const State& s, const std::string& id,
                          std::string* division) {
  const Contract* c = s.contracts.Find(id);
  if (!c) return MakeError(Code::kNotFound, "not_found", "no contract " + id);
  *division = c->division;
  Json items = Json::array(), funding = Json::array();
  for (const auto& it : c->items)
    items.push_back({{"category", it.category}, {"amount_fen", it.amount}});
  for (const auto& f : c->funding)
    funding.push_back({{"allocation_id", f.lot}, {"amount_fen", f.amount}});
  Json milestones = Json::object();
  for (const auto& [m, d] : c->milestones) milestones[m] = FormatDay(d);
  Json j = ContractRow(*c);
  j["stations"] = c->stations;
  j["items"] = items;
  j["funding"] = funding;
  j["milestones"] = milestones;
  j["seqs"] = SeqList(s, "c/" + id);
  return j;
}

Json LotPage(const State& s, const ListFilter& f, Day as_of) {
  Json next;
  auto page = PageOf(
      s.lots, f,
      [&](const Lot& l) {
        return (f.division.empty() || DivisionWithin(l.division, f.division)) &&
               InScope(l.division, f.scope) &&
               (f.fund.empty() || l.fund == f.fund) &&
               (f.program.empty() || l.program == f.program) &&
               (!f.fiscal_year || l.fiscal_year == *f.fiscal_year);
      },
      &next);
  Json rows = Json::array();
  for (const Lot* l : page) rows.push_back(LotRow(s, *l, as_of));
  return Json{{"as_of", FormatDay(as_of)},
              {"lots", std::move(rows)},
              {"next_cursor", std::move(next)}};
}

Json ContractPage(const State& s, const ListFilter& f, Day as_of) {
  Json next;
  auto page = PageOf(
      s.contracts, f,
      [&](const Contract& c) {
        return (f.division.empty() || DivisionWithin(c.division, f.division)) &&
               InScope(c.division, f.scope) &&
               (f.program.empty() || c.program == f.program) &&
               (!f.fiscal_year || YearOf(c.start) == *f.fiscal_year);
      },
      &next);
  Json rows = Json::array();
  for (const Contract* c : page) {
    Json row = ContractRow(*c);
    row["fiscal_year"] = YearOf(c->start);
    rows.push_back(std::move(row));
  }
  return Json{{"as_of", FormatDay(as_of)},
              {"contracts", std::move(rows)},
              {"next_cursor", std::move(next)}};
}

Json CapReport(const State& s, const CapFilter& f, Day as_of) {
  return CapReport(CapRows(s, as_of), f, as_of);
}

Json CapReport(const std::vector<CapRow>& all, const CapFilter& f, Day as_of) {
  Json rows = Json::array();
  for (const CapRow& row : all) {
    const CapFigures& c = row.figures;
    if (!f.division.empty() && !DivisionWithin(c.county, f.division)) continue;
    if (!InScope(c.county, f.scope)) continue;
    if (f.fiscal_year && c.year != *f.fiscal_year) continue;
    Json r07 = {
        {"numerator", c.r07_num},
        {"pct_bp", c.r07_pct},
        {"base_missing", c.r07_base_seq == 0},
        {"base", c.r07_base_seq ? Json(c.r07_base) : Json(nullptr)},
        {"limit", c.r07_base_seq ? Json(c.r07_limit) : Json(nullptr)},
        {"headroom",
         c.r07_base_seq ? Json(FenSub(c.r07_limit, c.r07_num)) : Json(nullptr)},
        {"over", c.r07_over}};
    Json r08 = {{"numerator", c.r08_num},
                {"pct_bp", c.r08_pct},
                {"base", c.r08_base},
                {"base_source", c.r08_base_seq ? "declared" : "computed"},
                {"limit", c.r08_limit},
                {"headroom", FenSub(c.r08_limit, c.r08_num)},
                {"over", c.r08_over},
                {"provisional", !c.closed}};
    rows.push_back({{"division_code", c.county},
                    {"fiscal_year", c.year},
                    {"R07", r07},
                    {"R08", r08}});
  }
  return Json{{"as_of", FormatDay(as_of)}, {"counties", rows}};
}

Json FlagPage(const std::vector<Flag>& flags, const FlagFilter& f, Day as_of) {
  Json out = Json::array();
  auto it = flags.begin();
  if (!f.cursor.empty()) {
    it = std::upper_bound(
        flags.begin(), flags.end(), f.cursor,
        [](const std::string& c, const Flag& x) { return c < x.flag_id; });
  }
  Json next = nullptr;
  for (; it != flags.end(); ++it) {
    const Finding& fd = it->finding;
    if (!f.rule.empty() && fd.rule != f.rule) continue;
    if (!f.severity.empty() && f.severity != SeverityName(fd.severity))
      continue;
    if (!f.status.empty() && it->status != f.status) continue;
    if (!f.division.empty() && !DivisionWithin(fd.division, f.division))
      continue;
    if (!InScope(fd.division, f.scope)) continue;
    if (out.size() == f.limit) {
      next = out.back()["flag_id"];
      break;
    }
    out.push_back(FlagJson(*it, as_of));
  }
  return Json{{"flags", std::move(out)}, {"next_cursor", next}};
}

}  // namespace fl::replay
