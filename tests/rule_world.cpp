#include "rule_world.h"

#include <catch2/catch.hpp>
#include <stdexcept>

namespace fl::test {

const std::string RuleWorld::kProvider = MakeUscc("52530100MJ0000001");
const std::string RuleWorld::kProvider2 = MakeUscc("52530300MJ0000002");

RuleWorld::RuleWorld() {
  world_.AddAgency("cz-530000", "finance", "530000");
  world_.AddAgency("mz-530000", "civil_affairs", "530000");
  world_.AddAgency("sj-530000", "auditor", "530000");
}

RuleWorld::~RuleWorld() = default;

std::uint64_t RuleWorld::Add(const std::string& type, const Json& data,
                             const std::string& date) {
  std::string agency = "mz-530000";
  if (type.rfind("budget.", 0) == 0 || type.rfind("allocation.", 0) == 0 ||
      type.rfind("funds.", 0) == 0 || type == "cap_base.declared" ||
      type == "fiscal_year.closed")
    agency = "cz-530000";
  if (type == "policy.set" || type == "program.defined") agency = "admin";
  if (type == "exception.approved" || type == "flag.reviewed")
    agency = "sj-530000";
  std::string id = "t" + std::to_string(++next_id_);
  UnitResult r = world_.Append(
      world_.Envelope(id, type, agency, data, date + "T09:00:00Z"));
  INFO(type << " " << data.dump() << " refused: "
            << (r.ok() ? ""
                       : r.errors.front().error.reason + " " +
                             r.errors.front().error.detail));
  REQUIRE(r.ok());
  return r.receipts.front().seq;
}

std::uint64_t RuleWorld::Budget(const std::string& lot, const std::string& fund,
                                const std::string& program,
                                const std::string& division,
                                std::int64_t amount, const std::string& date,
                                int year) {
  return Add("budget.appropriated",
             {{"allocation_id", lot},
              {"fiscal_year", year},
              {"fund", fund},
              {"division_code", division},
              {"program", program},
              {"amount_fen", amount},
              {"doc_no", "yn-" + lot}},
             date);
}

std::uint64_t RuleWorld::Issue(const std::string& lot,
                               const std::string& parent,
                               const std::string& from, const std::string& to,
                               const std::string& fund,
                               const std::string& program, std::int64_t amount,
                               bool pass_through, const std::string& date,
                               Json extra) {
  Json d = {{"allocation_id", lot},  {"from_code", from},
            {"to_code", to},         {"fund", fund},
            {"program", program},    {"fiscal_year", 2024},
            {"amount_fen", amount},  {"pass_through", pass_through},
            {"doc_no", "doc-" + lot}};
  if (!parent.empty()) d["parent_allocation_id"] = parent;
  d.update(extra);
  return Add("allocation.issued", d, date);
}

std::uint64_t RuleWorld::Receive(const std::string& lot, std::int64_t amount,
                                 const std::string& date) {
  return Add(
      "allocation.received",
      {{"allocation_id", lot}, {"received_on", date}, {"amount_fen", amount}},
      date);
}

std::uint64_t RuleWorld::Station(const std::string& id,
                                 const std::string& division,
                                 const std::string& date) {
  return Add("station.established",
             {{"station_id", id},
              {"name", id + " station"},
              {"division_code", division},
              {"date", date}},
             date);
}

std::uint64_t RuleWorld::Contract(const std::string& id,
                                  const std::string& division,
                                  const std::string& program,
                                  const std::string& lot, std::int64_t value,
                                  const std::string& start,
                                  const std::string& end, Json extra) {
  std::string category = program == "SWS.SETUP"         ? "office_equipment"
                         : program == "SWS.SUPERVISION" ? "supervision"
                                                        : "care";
  Json d = {{"contract_id", id},
            {"division_code", division},
            {"program", program},
            {"supplier_uscc", kProvider},
            {"procurement_method", "open"},
            {"value_fen", value},
            {"period", {{"start", start}, {"end", end}}},
            {"stations", Json::array()},
            {"items", {{{"category", category}, {"amount_fen", value}}}},
            {"funding", {{{"allocation_id", lot}, {"amount_fen", value}}}}};
  d.update(extra);
  return Add("contract.signed", d, start);
}

std::uint64_t RuleWorld::Pay(const std::string& id, const std::string& lot,
                             std::int64_t amount, const std::string& paid_on,
                             Json extra) {
  Json d = {
      {"payment_id", id},           {"allocation_id", lot},
      {"payee_uscc", kProvider},    {"amount_fen", amount},
      {"paid_on", paid_on},         {"economic_class", "commissioned_services"},
      {"service_category", "care"}, {"purpose", "elderly"},
      {"invoice_no", "inv-" + id}};
  d.update(extra);
  for (auto it = d.begin(); it != d.end();) {
    if (it->is_null()) {
      it = d.erase(it);  // extra {"x": null} removes a default
    } else {
      ++it;
    }
  }
  return Add("payment.made", d, paid_on);
}

replay::Projections& RuleWorld::projections() {
  if (!projections_) {
    auto p = replay::Projections::Open(world_.ledger(),
                                       world_.dir() + "/projections");
    REQUIRE(p.ok());
    projections_ = std::move(*p);
  }
  REQUIRE(projections_->CatchUp().ok());
  return *projections_;
}

std::vector<Json> RuleWorld::Flags(const std::string& as_of) {
  std::vector<Json> out;
  replay::FlagQuery q;
  q.as_of = as_of;
  q.limit = 1000;
  for (;;) {
    auto page = projections().Flags(q);
    REQUIRE(page.ok());
    for (const auto& f : (*page)["flags"]) out.push_back(f);
    if ((*page)["next_cursor"].is_null()) break;
    q.cursor = (*page)["next_cursor"];
  }
  return out;
}

Json RuleWorld::FlagOf(const std::string& rule, const std::string& subject,
                       const std::string& as_of) {
  for (const auto& f : Flags(as_of))
    if (f["rule"] == rule && f["subject"] == subject) return f;
  return nullptr;
}

std::vector<Json> RuleWorld::FlagsOf(const std::string& rule,
                                     const std::string& as_of) {
  std::vector<Json> out;
  for (const auto& f : Flags(as_of))
    if (f["rule"] == rule) out.push_back(f);
  return out;
}

}  // namespace fl::test
