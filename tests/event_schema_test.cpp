#include "ledger/event_schema.h"

#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "api/http/http_status_map.h"

namespace fl {
namespace {

// RFC 8032 test 1 public key and signature; key_id = SHA-256(pk)[:16 hex].
constexpr const char* kSig =
    "5VZDAMNgrHKQhuLMgG6CioSHfx645dl02HPgZSJJAVVfuIIVkKM7rMYeOXAc+bRr0lv18Flbv"
    "iRlUUFDjnoQCw==";
constexpr const char* kKeyId = "21fe31dfa154a261";
constexpr const char* kHuawei = "914403001922038216";

Json Parse(std::string_view text) {
  auto j = ParseStrict(text);
  INFO(text);
  REQUIRE(j.ok());
  return *j;
}

// One valid `data` per type, every optional field included; the optional
// ones are listed separately, straight from EVENTS.md's `?` marks.
struct Example {
  const char* data;
  std::set<std::string> optional;
};

const std::map<std::string, Example>& Examples() {
  static const std::map<std::string, Example> kExamples = {
      {"agency.registered",
       {R"({"agency":"mz-530621","name":"红河县民政局","kind":"civil_affairs",
            "division_code":"530621","public_key":"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
            "uscc":"125306210154327890"})",
        {"uscc"}}},
      {"agency.key_added",
       {R"({"agency":"mz-530621","public_key":"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="})",
        {}}},
      {"agency.key_revoked",
       {R"({"agency":"mz-530621","key_id":"21fe31dfa154a261","reason":"laptop lost"})",
        {}}},
      {"program.defined",
       {R"({"program":"LOCAL.ELDER_MEALS","name":"Elder meals",
            "purposes":["elderly"],"allowed_categories":["care","meal_delivery"]})",
        {}}},
      {"policy.set",
       {R"({"rule":"R02","scope":"530000","params":{"days":45,"tolerance_fen":0},
            "effective_from":"2024-01-01"})",
        {}}},
      {"budget.appropriated",
       {R"({"allocation_id":"alloc-2024-001","fiscal_year":2024,"fund":"lottery.provincial",
            "division_code":"530000","program":"SWS.OPS","amount_fen":500000000,
            "doc_no":"云财社〔2024〕12号"})",
        {}}},
      {"allocation.issued",
       {R"({"allocation_id":"alloc-2024-002","parent_allocation_id":"alloc-2024-001",
            "from_code":"530000","to_code":"530621","fund":"lottery.provincial",
            "program":"SWS.OPS","fiscal_year":2024,"amount_fen":100000000,
            "pass_through":false,"targets":["st-530621100","st-530621101"],
            "min_per_target_fen":2000000,"deadline":"2024-12-31","doc_no":"云民发〔2024〕3号"})",
        {"parent_allocation_id", "targets", "min_per_target_fen", "deadline"}}},
      {"allocation.received",
       {R"({"allocation_id":"alloc-2024-002","received_on":"2024-04-02","amount_fen":100000000})",
        {}}},
      {"funds.recovered",
       {R"({"allocation_id":"alloc-2024-002","amount_fen":1500,"reason":"unspent_recall"})",
        {}}},
      {"funds.transferred",
       {R"({"allocation_id":"alloc-2024-002","new_allocation_id":"alloc-2024-002-t1",
            "to_fund":"general_budget","to_program":"SWS.TRAINING","amount_fen":300000,
            "approval_doc":"红财〔2024〕8号"})",
        {"approval_doc"}}},
      {"cap_base.declared",
       {R"({"kind":"assistance_pooled_total","division_code":"320500","fiscal_year":2023,
            "amount_fen":9000000000,"doc_no":"苏财社〔2023〕1号"})",
        {}}},
      {"fiscal_year.closed",
       {R"({"division_code":"530621","fiscal_year":2023})", {}}},
      {"station.established",
       {R"({"station_id":"st-530621100","name":"迤萨镇社工站",
            "division_code":"530621100","date":"2024-02-29"})",
        {}}},
      {"station.deregistered",
       {R"({"station_id":"st-530621100","date":"2025-01-01"})", {}}},
      {"vendor.sanctioned",
       {R"({"uscc":"52530621MJY12345XR","list":"严重违法失信名单","from":"2024-05-01",
            "to":"2027-05-01","doc_no":"民社罚〔2024〕5号"})",
        {}}},
      {"vendor.sanction_lifted",
       {R"({"uscc":"52530621MJY12345XR","list":"严重违法失信名单","date":"2025-05-01",
            "doc_no":"民社罚〔2025〕1号"})",
        {}}},
      {"contract.signed",
       {R"({"contract_id":"ct-2024-007","division_code":"530621","program":"SWS.OPS",
            "supplier_uscc":"52530621MJY12345XR","procurement_method":"open",
            "value_fen":30000000,"period":{"start":"2024-04-01","end":"2025-03-31"},
            "stations":["st-530621100"],
            "items":[{"category":"care","amount_fen":25000000},
                     {"category":"supervision","amount_fen":5000000}],
            "funding":[{"allocation_id":"alloc-2024-002","amount_fen":30000000}]})",
        {}}},
      {"contract.amended",
       {R"({"contract_id":"ct-2024-007","value_delta_fen":-500000,"period_end":"2025-06-30",
            "rationale":"scope reduced"})",
        {"value_delta_fen", "period_end"}}},
      {"contract.terminated",
       {R"({"contract_id":"ct-2024-007","date":"2024-10-01","reason":"provider dissolved"})",
        {}}},
      {"milestone.accepted",
       {R"({"contract_id":"ct-2024-007","milestone_id":"m1","accepted_on":"2024-07-01"})",
        {}}},
      {"payment.made",
       {R"({"payment_id":"pay-0001","allocation_id":"alloc-2024-002",
            "payee_uscc":"52530621MJY12345XR","amount_fen":12500000,"paid_on":"2024-07-05",
            "economic_class":"commissioned_services","service_category":"care",
            "purpose":"elderly","invoice_no":"No. 04438812","contract_id":"ct-2024-007",
            "milestone_id":"m1","station_id":"st-530621100"})",
        {"contract_id", "milestone_id", "station_id"}}},
      {"payment.reversed",
       {R"({"payment_id":"pay-0001","reason":"duplicate"})", {}}},
      {"evaluation.completed",
       {R"({"contract_id":"ct-2024-007","date":"2025-04-10","result":"good"})",
        {}}},
      {"exception.approved",
       {R"({"rule":"R07","ref":"530621/2024","doc_no":"红财〔2024〕9号"})",
        {}}},
      {"flag.reviewed",
       {R"({"flag_id":"9919e69d2647bfc1","rule":"R07","subject":"530621/2024","status":"dismissed","note":"approved in writing"})",
        {}}},
  };
  return kExamples;
}

Json Envelope(const std::string& type, Json data) {
  return Json{
      {"event",
       {{"id", "zt-2024-exp-000193"},
        {"type", type},
        {"agency", "mz-530621"},
        {"occurred_at", "2024-03-31T08:00:00Z"},
        {"data", std::move(data)}}},
      {"signature", {{"alg", "Ed25519"}, {"key_id", kKeyId}, {"sig", kSig}}}};
}

Json ValidEnvelope(const std::string& type) {
  return Envelope(type, Parse(Examples().at(type).data));
}

void ExpectOk(const Json& envelope) {
  Status s = ValidateEnvelope(envelope);
  INFO(envelope.dump());
  if (!s.ok()) {
    INFO(s.error().reason << " " << s.error().field << ": "
                          << s.error().detail);
    FAIL();
  }
}

void ExpectError(const Json& envelope, const std::string& code,
                 const std::string& field, int status = 400) {
  Status s = ValidateEnvelope(envelope);
  INFO(envelope.dump().substr(0, 600));
  REQUIRE_FALSE(s.ok());
  INFO(s.error().detail);
  CHECK(s.error().reason == code);
  CHECK(s.error().field == field);
  CHECK(fl::http::HttpStatus(s.error()) == status);
  CHECK_FALSE(s.error().detail.empty());
}

TEST_CASE("EventTypes lists the catalogue in order", "[schema]") {
  const auto& types = EventTypes();
  REQUIRE(types.size() == 25);
  CHECK(types.front() == "agency.registered");
  CHECK(types[4] == "policy.set");
  CHECK(types[16] == "contract.signed");
  CHECK(types.back() == "flag.reviewed");
  CHECK(std::set<std::string>(types.begin(), types.end()).size() == 25);
}

TEST_CASE("Every event type has a valid example that passes", "[schema]") {
  for (const auto& type : EventTypes()) {
    INFO(type);
    REQUIRE(Examples().count(type) == 1);
    ExpectOk(ValidEnvelope(type));
  }
  CHECK(Examples().size() == EventTypes().size());
}

TEST_CASE("Every data field: required ones missing, optional ones dropped",
          "[schema]") {
  for (const auto& type : EventTypes()) {
    const Example& ex = Examples().at(type);
    Json data = Parse(ex.data);
    for (const auto& [key, _] : data.items()) {
      INFO(type << " without " << key);
      Json d = data;
      d.erase(key);
      if (ex.optional.count(key)) {
        ExpectOk(Envelope(type, d));
      } else {
        ExpectError(Envelope(type, d), "missing_field", "/event/data/" + key);
      }
    }
    // Only the optional fields at all.
    Json minimal = data;
    for (const auto& key : ex.optional) minimal.erase(key);
    ExpectOk(Envelope(type, minimal));
    // Any other key is refused, named by its pointer.
    Json extra = data;
    extra["zzz_extra"] = 1;
    ExpectError(Envelope(type, extra), "unknown_field",
                "/event/data/zzz_extra");
  }
}

TEST_CASE("Envelope, event and signature shape", "[schema]") {
  const std::string t = "budget.appropriated";
  Json env = ValidEnvelope(t);
  auto with = [&](const std::function<void(Json&)>& edit) {
    Json e = env;
    edit(e);
    return e;
  };
  SECTION("envelope") {
    ExpectError(Json::array(), "invalid_field", "");
    ExpectError(with([](Json& e) { e["extra"] = 1; }), "unknown_field",
                "/extra");
    ExpectError(with([](Json& e) { e.erase("event"); }), "missing_field",
                "/event");
    ExpectError(with([](Json& e) { e.erase("signature"); }), "missing_field",
                "/signature");
    ExpectError(with([](Json& e) { e["event"] = "x"; }), "invalid_field",
                "/event");
    ExpectError(with([](Json& e) { e["signature"] = Json::array(); }),
                "invalid_field", "/signature");
  }
  SECTION("event fields") {
    ExpectError(with([](Json& e) { e["event"]["seq"] = 1; }), "unknown_field",
                "/event/seq");
    for (const char* key : {"id", "type", "agency", "occurred_at", "data"}) {
      ExpectError(with([&](Json& e) { e["event"].erase(key); }),
                  "missing_field", std::string("/event/") + key);
    }
    ExpectOk(with([](Json& e) { e["event"]["id"] = std::string(64, 'a'); }));
    ExpectOk(with([](Json& e) { e["event"]["id"] = "A.b_c:d-9"; }));
    for (Json bad : {Json(std::string(65, 'a')), Json(""), Json("a b"),
                     Json("a/b"), Json("编号"), Json(7)}) {
      ExpectError(with([&](Json& e) { e["event"]["id"] = bad; }),
                  "invalid_field", "/event/id");
    }
    ExpectError(with([](Json& e) { e["event"]["agency"] = "mz 530621"; }),
                "invalid_field", "/event/agency");
    ExpectError(with([](Json& e) { e["event"]["data"] = Json::array(); }),
                "invalid_field", "/event/data");
  }
  SECTION("type") {
    ExpectError(
        with([](Json& e) { e["event"]["type"] = "expenditure.recorded"; }),
        "unknown_event_type", "/event/type");
    ExpectError(
        with([](Json& e) { e["event"]["type"] = "Budget.Appropriated"; }),
        "unknown_event_type", "/event/type");
    ExpectError(with([](Json& e) { e["event"]["type"] = 3; }), "invalid_field",
                "/event/type");
  }
  SECTION("occurred_at") {
    for (const char* good : {"2024-02-29T23:59:59Z", "2000-01-01T00:00:00Z"}) {
      ExpectOk(with([&](Json& e) { e["event"]["occurred_at"] = good; }));
    }
    for (const char* bad :
         {"2024-03-31T08:00:00.5Z", "2024-03-31T08:00:00+08:00",
          "2024-03-31T08:00:00", "2024-03-31T08:00:00z", "2024-03-31 08:00:00Z",
          "2024-02-30T08:00:00Z", "2023-02-29T08:00:00Z",
          "2024-13-01T08:00:00Z", "2024-03-31T24:00:00Z",
          "2024-03-31T08:60:00Z", "2024-03-31T08:00:60Z", "2024-3-31T08:00:00Z",
          "2024-03-31", "0000-01-01T00:00:00Z", "２０２４-03-31T08:00:00Z"}) {
      INFO(bad);
      ExpectError(with([&](Json& e) { e["event"]["occurred_at"] = bad; }),
                  "invalid_field", "/event/occurred_at");
    }
  }
  SECTION("signature") {
    ExpectError(with([](Json& e) { e["signature"]["x"] = 1; }), "unknown_field",
                "/signature/x");
    for (const char* key : {"alg", "key_id", "sig"}) {
      ExpectError(with([&](Json& e) { e["signature"].erase(key); }),
                  "missing_field", std::string("/signature/") + key);
    }
    ExpectError(with([](Json& e) { e["signature"]["alg"] = "ed25519"; }),
                "invalid_field", "/signature/alg");
    for (const char* bad : {"21FE31DFA154A261", "21fe31dfa154a26",
                            "21fe31dfa154a2610", "21fe31dfa154a26g"}) {
      ExpectError(with([&](Json& e) { e["signature"]["key_id"] = bad; }),
                  "invalid_field", "/signature/key_id");
    }
    std::string sig = kSig;
    std::string short_sig =  // 63 bytes
        "5VZDAMNgrHKQhuLMgG6CioSHfx645dl02HPgZSJJAVVfuIIVkKM7rMYeOXAc+bRr0lv18F"
        "lbviRlUUFDjnoQ";
    std::string unpadded = sig.substr(0, 86);
    std::string noncanonical = sig;
    noncanonical[85] = 'D';  // trailing bits set: not what encoding gives
    std::string urlsafe = sig;
    urlsafe[60] = '-';
    for (const std::string& bad :
         {short_sig, unpadded, noncanonical, urlsafe, std::string("")}) {
      INFO(bad);
      ExpectError(with([&](Json& e) { e["signature"]["sig"] = bad; }),
                  "invalid_field", "/signature/sig");
    }
  }
  SECTION("the first problem in document order is reported") {
    // event before signature, id before data.
    ExpectError(with([](Json& e) {
                  e["signature"]["alg"] = "RSA";
                  e["event"]["data"]["amount_fen"] = 0;
                }),
                "invalid_field", "/event/data/amount_fen");
    ExpectError(with([](Json& e) {
                  e["event"]["id"] = "";
                  e["event"]["type"] = "nope";
                }),
                "invalid_field", "/event/id");
    // Within data, table order: fiscal_year precedes amount_fen.
    ExpectError(with([](Json& e) {
                  e["event"]["data"]["amount_fen"] = 0;
                  e["event"]["data"]["fiscal_year"] = 1999;
                }),
                "invalid_field", "/event/data/fiscal_year");
    // A misspelt field is named rather than the one it leaves missing.
    ExpectError(with([](Json& e) {
                  e["event"]["data"]["amount_fne"] =
                      e["event"]["data"]["amount_fen"];
                  e["event"]["data"].erase("amount_fen");
                }),
                "unknown_field", "/event/data/amount_fne");
  }
}

// A single change to one type's valid example and the error it must give.
struct Mistake {
  const char* type;
  const char* field;  // under /event/data
  Json value;         // what the field is set to
  const char* code;
  const char* pointer;
};

TEST_CASE("Data field values", "[schema]") {
  const std::string long_text(1001, 'x');
  std::string cjk_1000;
  for (int i = 0; i < 1000; ++i) cjk_1000 += "字";
  const std::vector<Mistake> ok = {
      {"budget.appropriated", "amount_fen", 1, nullptr, nullptr},
      {"budget.appropriated", "amount_fen", 1000000000000000, nullptr, nullptr},
      {"budget.appropriated", "fiscal_year", 2000, nullptr, nullptr},
      {"budget.appropriated", "fiscal_year", 2100, nullptr, nullptr},
      {"budget.appropriated", "division_code", "530621100200", nullptr,
       nullptr},
      {"budget.appropriated", "division_code", "000000", nullptr, nullptr},
      {"budget.appropriated", "program", "ASSIST.PURCHASED_SERVICE", nullptr,
       nullptr},
      {"budget.appropriated", "program", "X", nullptr, nullptr},
      {"budget.appropriated", "program", "LOCAL.V2.A_1", nullptr, nullptr},
      {"budget.appropriated", "doc_no", cjk_1000, nullptr, nullptr},
      {"budget.appropriated", "fund", "charity", nullptr, nullptr},
      {"agency.registered", "kind", "auditor", nullptr, nullptr},
      {"agency.registered", "uscc", kHuawei, nullptr, nullptr},
      {"contract.amended", "value_delta_fen", 1000000000000000, nullptr,
       nullptr},
      {"contract.amended", "value_delta_fen", -1000000000000000, nullptr,
       nullptr},
      {"vendor.sanctioned", "to", "2024-05-01", nullptr, nullptr},  // == from
      {"payment.made", "purpose", "some_other_purpose", nullptr, nullptr},
      {"exception.approved", "ref", "530621/2024/SWS.OPS/care", nullptr,
       nullptr},
      {"exception.approved", "ref", "pay-0001", nullptr, nullptr},
      {"policy.set", "params", Json::object(), nullptr, nullptr},
      {"contract.signed", "stations", Json::array(), nullptr, nullptr},
      {"allocation.issued", "targets", Json::array(), nullptr, nullptr},
      {"allocation.issued", "pass_through", true, nullptr, nullptr},
  };
  for (const auto& m : ok) {
    INFO(m.type << " " << m.field << " = " << m.value.dump());
    Json env = ValidEnvelope(m.type);
    env["event"]["data"][m.field] = m.value;
    ExpectOk(env);
  }

  const std::vector<Mistake> bad = {
      // amounts
      {"budget.appropriated", "amount_fen", 0, "invalid_field", "amount_fen"},
      {"budget.appropriated", "amount_fen", -5, "invalid_field", "amount_fen"},
      {"budget.appropriated", "amount_fen", 1000000000000001, "invalid_field",
       "amount_fen"},
      {"budget.appropriated", "amount_fen", "100", "invalid_field",
       "amount_fen"},
      {"budget.appropriated", "amount_fen", 1.5, "invalid_field", "amount_fen"},
      {"budget.appropriated", "amount_fen", 100.0, "invalid_field",
       "amount_fen"},
      {"budget.appropriated", "amount_fen", true, "invalid_field",
       "amount_fen"},
      {"budget.appropriated", "amount_fen", nullptr, "invalid_field",
       "amount_fen"},
      {"allocation.issued", "min_per_target_fen", 0, "invalid_field",
       "min_per_target_fen"},
      {"contract.amended", "value_delta_fen", 0, "invalid_field",
       "value_delta_fen"},
      {"contract.amended", "value_delta_fen", -1000000000000001,
       "invalid_field", "value_delta_fen"},
      // years, dates
      {"budget.appropriated", "fiscal_year", 1999, "invalid_field",
       "fiscal_year"},
      {"budget.appropriated", "fiscal_year", 2101, "invalid_field",
       "fiscal_year"},
      {"budget.appropriated", "fiscal_year", "2024", "invalid_field",
       "fiscal_year"},
      {"allocation.received", "received_on", "2024-02-30", "invalid_field",
       "received_on"},
      {"allocation.received", "received_on", "2100-02-29", "invalid_field",
       "received_on"},
      {"allocation.received", "received_on", "2024/04/02", "invalid_field",
       "received_on"},
      {"allocation.received", "received_on", "2024-04-02T00:00:00Z",
       "invalid_field", "received_on"},
      {"allocation.received", "received_on", "2024-4-2", "invalid_field",
       "received_on"},
      {"vendor.sanctioned", "to", "2024-04-30", "invalid_field", "to"},
      {"contract.amended", "period_end", "2025-06-31", "invalid_field",
       "period_end"},
      // division codes
      {"budget.appropriated", "division_code", "53062", "invalid_field",
       "division_code"},
      {"budget.appropriated", "division_code", "5306210", "invalid_field",
       "division_code"},
      {"budget.appropriated", "division_code", "53062a", "invalid_field",
       "division_code"},
      {"budget.appropriated", "division_code", 530621, "invalid_field",
       "division_code"},
      {"allocation.issued", "to_code", "", "invalid_field", "to_code"},
      {"policy.set", "scope", "5300", "invalid_field", "scope"},
      // vocabularies
      {"budget.appropriated", "fund", "lottery", "invalid_field", "fund"},
      {"budget.appropriated", "fund", "Charity", "invalid_field", "fund"},
      {"funds.transferred", "to_fund", "treasury", "invalid_field", "to_fund"},
      {"agency.registered", "kind", "mayor", "invalid_field", "kind"},
      {"funds.recovered", "reason", "other", "invalid_field", "reason"},
      {"cap_base.declared", "kind", "pooled", "invalid_field", "kind"},
      {"contract.signed", "procurement_method", "negotiated", "invalid_field",
       "procurement_method"},
      {"flag.reviewed", "status", "open", "invalid_field", "status"},
      {"policy.set", "rule", "R19", "invalid_field", "rule"},
      {"policy.set", "rule", "R00", "invalid_field", "rule"},
      {"policy.set", "rule", "R1", "invalid_field", "rule"},
      {"policy.set", "rule", "r01", "invalid_field", "rule"},
      {"exception.approved", "rule", "R18 ", "invalid_field", "rule"},
      {"payment.made", "purpose", "", "invalid_field", "purpose"},
      {"payment.made", "purpose", "扶老", "invalid_field", "purpose"},
      {"payment.made", "economic_class", "staff salary", "invalid_field",
       "economic_class"},
      // programs
      {"budget.appropriated", "program", "sws.ops", "invalid_field", "program"},
      {"budget.appropriated", "program", "SWS..OPS", "invalid_field",
       "program"},
      {"budget.appropriated", "program", "SWS.OPS.", "invalid_field",
       "program"},
      {"budget.appropriated", "program", ".SWS", "invalid_field", "program"},
      {"budget.appropriated", "program", "1SWS", "invalid_field", "program"},
      {"budget.appropriated", "program", "SWS-OPS", "invalid_field", "program"},
      {"funds.transferred", "to_program", "", "invalid_field", "to_program"},
      // USCC: one character changed, wrong length, forbidden letters
      {"contract.signed", "supplier_uscc", "52530621MJY12345XQ",
       "invalid_field", "supplier_uscc"},
      {"payment.made", "payee_uscc", "52530621MJY12346XR", "invalid_field",
       "payee_uscc"},
      {"vendor.sanctioned", "uscc", "52530621MJY12345X", "invalid_field",
       "uscc"},
      {"agency.registered", "uscc", "914403001922038217", "invalid_field",
       "uscc"},
      {"agency.registered", "uscc", "52530621mjy12345xr", "invalid_field",
       "uscc"},
      // keys, ids
      {"agency.key_added", "public_key",
       "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHUQ==", "invalid_field",
       "public_key"},
      {"agency.key_added", "public_key", "not base64!", "invalid_field",
       "public_key"},
      {"agency.registered", "public_key", 12, "invalid_field", "public_key"},
      {"agency.key_revoked", "key_id", "21FE31DFA154A261", "invalid_field",
       "key_id"},
      {"flag.reviewed", "flag_id", "flag-1", "invalid_field", "flag_id"},
      {"payment.made", "allocation_id", "alloc 1", "invalid_field",
       "allocation_id"},
      {"payment.made", "station_id", std::string(65, 's'), "invalid_field",
       "station_id"},
      {"exception.approved", "ref", "530621 2024", "invalid_field", "ref"},
      // a "<division_code>/..." subject starts with a division code
      {"exception.approved", "ref", "5306/2024", "invalid_field", "ref"},
      // amended 2026-12: flag_id is derived from rule and subject
      {"flag.reviewed", "flag_id", "0123456789abcdef", "invalid_field",
       "flag_id"},
      {"flag.reviewed", "rule", "R08", "invalid_field", "flag_id"},
      {"flag.reviewed", "subject", "530621/2025", "invalid_field", "flag_id"},
      {"flag.reviewed", "subject", "53062/2024", "invalid_field", "subject"},
      {"allocation.issued", "parent_allocation_id", "", "invalid_field",
       "parent_allocation_id"},
      // text
      {"budget.appropriated", "doc_no", "", "invalid_field", "doc_no"},
      {"budget.appropriated", "doc_no", " \t", "invalid_field", "doc_no"},
      {"budget.appropriated", "doc_no", long_text, "invalid_field", "doc_no"},
      {"budget.appropriated", "doc_no", Json::array({"a"}), "invalid_field",
       "doc_no"},
      {"flag.reviewed", "note", "", "invalid_field", "note"},
      {"agency.registered", "name", nullptr, "invalid_field", "name"},
      // bool, object, arrays
      {"allocation.issued", "pass_through", "true", "invalid_field",
       "pass_through"},
      {"allocation.issued", "pass_through", 1, "invalid_field", "pass_through"},
      {"policy.set", "params", Json::array(), "invalid_field", "params"},
      {"policy.set", "params", "{}", "invalid_field", "params"},
      {"allocation.issued", "targets", "st-530621100", "invalid_field",
       "targets"},
      {"allocation.issued", "targets", Json::array({"st-1", 5}),
       "invalid_field", "targets/1"},
      {"contract.signed", "stations", Json::array({"st 1"}), "invalid_field",
       "stations/0"},
      {"program.defined", "purposes", Json::array({"elderly", ""}),
       "invalid_field", "purposes/1"},
      {"program.defined", "allowed_categories", Json::object(), "invalid_field",
       "allowed_categories"},
      // contract.signed nested records
      {"contract.signed", "period", Parse(R"({"start":"2024-04-01"})"),
       "missing_field", "period/end"},
      {"contract.signed", "period",
       Parse(R"({"start":"2024-04-01","end":"2025-03-31","x":1})"),
       "unknown_field", "period/x"},
      {"contract.signed", "period",
       Parse(R"({"start":"2024-04-02","end":"2024-04-01"})"), "invalid_field",
       "period/end"},
      {"contract.signed", "period",
       Parse(R"({"start":"2024-04-31","end":"2025-04-01"})"), "invalid_field",
       "period/start"},
      {"contract.signed", "period", "2024-04-01/2025-03-31", "invalid_field",
       "period"},
      {"contract.signed", "items",
       Parse(R"([{"category":"care","amount_fen":25000000},
                 {"category":"supervision","amount_fen":4999999}])"),
       "invalid_field", "items"},
      {"contract.signed", "items", Json::array(), "invalid_field", "items"},
      {"contract.signed", "items",
       Parse(R"([{"category":"care","amount_fen":30000000,"note":"x"}])"),
       "unknown_field", "items/0/note"},
      {"contract.signed", "items",
       Parse(
           R"([{"category":"care","amount_fen":29999999},{"category":"care"}])"),
       "missing_field", "items/1/amount_fen"},
      {"contract.signed", "items", Parse(R"([{"category":"care","amount_fen":0},
                 {"category":"care","amount_fen":30000000}])"),
       "invalid_field", "items/0/amount_fen"},
      {"contract.signed", "items", Parse(R"([[]])"), "invalid_field",
       "items/0"},
      {"contract.signed", "funding",
       Parse(R"([{"allocation_id":"a b","amount_fen":1}])"), "invalid_field",
       "funding/0/allocation_id"},
      {"contract.signed", "funding",
       Parse(R"([{"allocation_id":"a","amount_fen":1,"share_bp":100}])"),
       "unknown_field", "funding/0/share_bp"},
  };
  for (const auto& m : bad) {
    INFO(m.type << " " << m.field << " = " << m.value.dump());
    Json env = ValidEnvelope(m.type);
    env["event"]["data"][m.field] = m.value;
    ExpectError(env, m.code, std::string("/event/data/") + m.pointer);
  }
}

TEST_CASE("Canonical event size limit is 60,000 bytes", "[schema]") {
  Json env = ValidEnvelope("policy.set");
  env["event"]["data"]["params"]["pad"] = "";
  std::size_t base = Canonicalize(env["event"]).size();
  env["event"]["data"]["params"]["pad"] = std::string(60000 - base, 'p');
  REQUIRE(Canonicalize(env["event"]).size() == 60000);
  ExpectOk(env);
  env["event"]["data"]["params"]["pad"] = std::string(60001 - base, 'p');
  ExpectError(env, "payload_too_large", "/event", 413);
  // Size is reported before any schema fault.
  env["event"]["type"] = "no.such.type";
  env["extra"] = 1;
  ExpectError(env, "payload_too_large", "/event", 413);
  // The signature does not count.
  Json small = ValidEnvelope("policy.set");
  small["signature"]["pad"] = std::string(70000, 's');
  ExpectError(small, "unknown_field", "/signature/pad");
}

TEST_CASE("Event nesting depth is at most 32", "[schema]") {
  // event = 1, data = 2, params = 3; params plus 29 levels reach 32.
  auto nested = [](int levels) {
    Json v = 1;
    for (int i = 0; i < levels; ++i) v = Json{{"k", v}};
    return v;
  };
  Json env = ValidEnvelope("policy.set");
  env["event"]["data"]["params"] = nested(30);
  ExpectOk(env);
  env["event"]["data"]["params"] = nested(31);
  std::string deepest = "/event/data/params";
  for (int i = 0; i < 30; ++i) deepest += "/k";
  ExpectError(env, "too_deep", deepest);
}

}  // namespace
}  // namespace fl
