// `data` objects of the money events the HTTP tests append, with compliant
// defaults: one place for what several test files build the same way.
#pragma once

#include <cstdint>
#include <string>

#include "ledger/canonical_json.h"

namespace fl::test {

inline Json BudgetData(const std::string& lot, const std::string& fund,
                       const std::string& division, const std::string& program,
                       std::int64_t amount, int year = 2024) {
  return {{"allocation_id", lot},
          {"fiscal_year", year},
          {"fund", fund},
          {"division_code", division},
          {"program", program},
          {"amount_fen", amount},
          {"doc_no", "云财社〔2024〕1号"}};
}

// A lottery SWS.OPS lot issued from the province's "b-530000" to `to`.
inline Json IssueData(const std::string& lot, const std::string& to,
                      std::int64_t amount) {
  return {{"allocation_id", lot},         {"parent_allocation_id", "b-530000"},
          {"from_code", "530000"},        {"to_code", to},
          {"fund", "lottery.provincial"}, {"program", "SWS.OPS"},
          {"fiscal_year", 2024},          {"amount_fen", amount},
          {"pass_through", false},        {"doc_no", "云财社〔2024〕2号"}};
}

inline Json ReceiveData(const std::string& lot, std::int64_t amount) {
  return {{"allocation_id", lot},
          {"received_on", "2024-03-20"},
          {"amount_fen", amount}};
}

// An open SWS.OPS contract funded wholly by `lot`, one "care" item.
inline Json ContractData(const std::string& id, const std::string& division,
                         const std::string& supplier, const std::string& lot,
                         std::int64_t value) {
  return {
      {"contract_id", id},
      {"division_code", division},
      {"program", "SWS.OPS"},
      {"supplier_uscc", supplier},
      {"procurement_method", "open"},
      {"value_fen", value},
      {"period", {{"start", "2024-04-01"}, {"end", "2024-12-31"}}},
      {"stations", Json::array()},
      {"items", Json::array({{{"category", "care"}, {"amount_fen", value}}})},
      {"funding",
       Json::array({{{"allocation_id", lot}, {"amount_fen", value}}})}};
}

}  // namespace fl::test
