#include "api/console/csv.h"

#include <vector>

#include "api/console/division_names.h"
#include "api/console/yuan.h"

namespace fl::console {
namespace {

// RFC 4180 quoting; a leading = + - @ is prefixed with ' so a spreadsheet
// does not run a cell as a formula (CSV injection).
std::string Cell(const std::string& v) {
  std::string s = v;
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '@' ||
                     (s[0] == '-' && s.find_first_not_of("-0123456789.") !=
                                         std::string::npos))) {
    s = "'" + s;
  }
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Text(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_array()) {
    std::string out;
    for (const auto& x : v) {
      if (!out.empty()) out += ' ';
      out += Text(x);
    }
    return out;
  }
  return v.dump();
}

class Table {
 public:
  explicit Table(std::vector<std::string> header) {
    out_ = "\xEF\xBB\xBF";  // BOM
    Row(header);
  }
  void Row(const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i) out_ += ',';
      out_ += Cell(cells[i]);
    }
    out_ += "\r\n";
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// Two cells: yuan and fen; empty when the amount is null (a missing base).
void Money(std::vector<std::string>* row, const Json& fen) {
  if (!fen.is_number_integer()) {
    row->push_back("");
    row->push_back("");
    return;
  }
  row->push_back(YuanFromFen(fen.get<std::int64_t>()));
  row->push_back(std::to_string(fen.get<std::int64_t>()));
}

void MoneyHeader(std::vector<std::string>* h, const std::string& name) {
  h->push_back(name + "_yuan");
  h->push_back(name + "_fen");
}

std::string Division(const Json& row) {
  return std::string(DivisionName(Text(row.value("division_code", Json()))));
}

std::string Flags(const Json& body) {
  Table t({"flag_id", "rule", "severity", "status", "division_code",
           "division_name", "amount_yuan", "amount_fen", "subject",
           "evidence_seqs", "as_of", "provisional"});
  for (const auto& f : body.at("flags")) {
    std::vector<std::string> r = {Text(f["flag_id"]),       Text(f["rule"]),
                                  Text(f["severity"]),      Text(f["status"]),
                                  Text(f["division_code"]), Division(f)};
    Money(&r, f["amount_fen"]);
    r.push_back(Text(f["subject"]));
    r.push_back(Text(f["evidence"]));
    r.push_back(Text(f["as_of"]));
    r.push_back(Text(f["provisional"]));
    t.Row(r);
  }
  return t.Take();
}

const char* const kTotals[] = {"appropriated",    "received",  "issued_down",
                               "transferred_out", "recovered", "paid",
                               "committed",       "balance",   "available"};

std::string Balances(const Json& body) {
  std::vector<std::string> h = {"division_code", "division_name", "fund",
                                "program", "fiscal_year"};
  for (const char* k : kTotals) MoneyHeader(&h, k);
  Table t(h);
  for (const auto& b : body.at("balances")) {
    std::vector<std::string> r = {Text(b["division_code"]), Division(b),
                                  Text(b["fund"]), Text(b["program"]),
                                  Text(b["fiscal_year"])};
    for (const char* k : kTotals) Money(&r, b.value(k, Json()));
    t.Row(r);
  }
  return t.Take();
}

std::string Caps(const Json& body) {
  std::vector<std::string> h = {"division_code", "division_name",
                                "fiscal_year"};
  for (const char* rule : {"R07", "R08"}) {
    for (const char* k : {"numerator", "base", "limit", "headroom"})
      MoneyHeader(&h, std::string(rule) + "_" + k);
    h.push_back(std::string(rule) + "_pct_bp");
    h.push_back(std::string(rule) + "_over");
  }
  h.push_back("R07_base_missing");
  h.push_back("R08_base_source");
  h.push_back("R08_provisional");
  h.push_back("as_of");
  Table t(h);
  for (const auto& c : body.at("counties")) {
    std::vector<std::string> r = {Text(c["division_code"]), Division(c),
                                  Text(c["fiscal_year"])};
    for (const char* rule : {"R07", "R08"}) {
      const Json& x = c.at(rule);
      for (const char* k : {"numerator", "base", "limit", "headroom"})
        Money(&r, x.value(k, Json()));
      r.push_back(Text(x.value("pct_bp", Json())));
      r.push_back(Text(x.value("over", Json())));
    }
    r.push_back(Text(c["R07"].value("base_missing", Json())));
    r.push_back(Text(c["R08"].value("base_source", Json())));
    r.push_back(Text(c["R08"].value("provisional", Json())));
    r.push_back(Text(body.value("as_of", Json())));
    t.Row(r);
  }
  return t.Take();
}

std::string Lots(const Json& body) {
  std::vector<std::string> h = {
      "allocation_id", "kind",    "division_code", "division_name",
      "fund",          "program", "fiscal_year",   "parent_allocation_id",
      "from_code"};
  MoneyHeader(&h, "amount");
  for (const char* k : kTotals) MoneyHeader(&h, k);
  for (const char* k : {"issued_on", "received_on", "age_days", "as_of"})
    h.push_back(k);
  Table t(h);
  for (const auto& l : body.at("lots")) {
    std::vector<std::string> r = {
        Text(l["allocation_id"]), Text(l["kind"]),
        Text(l["division_code"]), Division(l),
        Text(l["fund"]),          Text(l["program"]),
        Text(l["fiscal_year"]),   Text(l["parent_allocation_id"]),
        Text(l["from_code"])};
    Money(&r, l["amount_fen"]);
    for (const char* k : kTotals) Money(&r, l.value(k, Json()));
    for (const char* k : {"issued_on", "received_on", "age_days"})
      r.push_back(Text(l.value(k, Json())));
    r.push_back(Text(body.value("as_of", Json())));
    t.Row(r);
  }
  return t.Take();
}

std::string Contracts(const Json& body) {
  std::vector<std::string> h = {
      "contract_id", "division_code", "division_name",     "program",
      "fiscal_year", "supplier_uscc", "procurement_method"};
  for (const char* k : {"value", "paid", "remaining"}) MoneyHeader(&h, k);
  for (const char* k :
       {"period_start", "period_end", "amended", "terminated", "as_of"})
    h.push_back(k);
  Table t(h);
  for (const auto& c : body.at("contracts")) {
    std::vector<std::string> r = {Text(c["contract_id"]),
                                  Text(c["division_code"]),
                                  Division(c),
                                  Text(c["program"]),
                                  Text(c["fiscal_year"]),
                                  Text(c["supplier_uscc"]),
                                  Text(c["procurement_method"])};
    Money(&r, c["value_fen"]);
    Money(&r, c["paid"]);
    Money(&r, c["remaining"]);
    const Json& period = c.value("period", Json::object());
    r.push_back(Text(period.value("start", Json())));
    r.push_back(Text(period.value("end", Json())));
    r.push_back(Text(c["amended"]));
    r.push_back(Text(c["terminated"]));
    r.push_back(Text(body.value("as_of", Json())));
    t.Row(r);
  }
  return t.Take();
}

}  // namespace

bool HasCsv(std::string_view route) {
  return route == "/v1/flags" || route == "/v1/balances" ||
         route == "/v1/reports/caps" || route == "/v1/lots" ||
         route == "/v1/contracts";
}

std::optional<std::string> CsvOf(std::string_view route, const Json& body) {
  if (route == "/v1/flags") return Flags(body);
  if (route == "/v1/balances") return Balances(body);
  if (route == "/v1/reports/caps") return Caps(body);
  if (route == "/v1/lots") return Lots(body);
  if (route == "/v1/contracts") return Contracts(body);
  return std::nullopt;
}

std::string CsvFileName(std::string_view route) {
  if (route == "/v1/flags") return "flags.csv";
  if (route == "/v1/balances") return "balances.csv";
  if (route == "/v1/reports/caps") return "caps.csv";
  if (route == "/v1/lots") return "lots.csv";
  if (route == "/v1/contracts") return "contracts.csv";
  return "export.csv";
}

}  // namespace fl::console
