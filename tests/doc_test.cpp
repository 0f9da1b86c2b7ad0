// The fold's JSON reader against nlohmann's parser on the same text.
#include "replay/doc.h"

#include <catch2/catch.hpp>
#include <random>

#include "ledger/entry.h"
#include "replay/event.h"

namespace fl::replay {

TEST_CASE("Doc reads what nlohmann reads", "[replay][doc]") {
  const char* texts[] = {
      R"({"a":"x\"y\\z","u":"\u00e9\ud83d\ude00\n","n":-12,"m":9007199254740991})",
      R"({"b":true,"f":false,"z":null,"arr":[1,{"k":"v"},[],{}],"o":{"p":{"q":[2]}}})",
      R"({"data":{"items":[{"amount_fen":5,"category":"care"}],"name":"昆明"}})",
      // Where a string ends is decided by the backslashes before a quote.
      R"({"a":"\\","b":"\\\\","c":"\"","d":"x\\\"","e":"\\\"\\"})",
      R"({"k\\":"v","\"":"w","":""})", R"([])", R"("s")", R"(0)"};
  for (const char* t : texts) {
    Doc d;
    INFO(t);
    REQUIRE(d.Parse(t));
    CHECK(d.root().ToJson() == Json::parse(t));
  }
  Doc d;
  REQUIRE(d.Parse(R"({"a":{"b":[10,20]},"s":"x\u0041"})"));
  CHECK(d.root()["s"].str() == "xA");
  CHECK(d.root()["a"]["b"].is_array());
  std::int64_t sum = 0;
  for (Value v : d.root()["a"]["b"]) sum += v.num();
  CHECK(sum == 30);
  CHECK(!d.root()["missing"].present());
  CHECK(d.root()["missing"]["deeper"].str().empty());
  int n = 0;
  for (Value v : d.root()["missing"]) n += static_cast<int>(v.num()) + 1;
  CHECK(n == 0);
}

TEST_CASE("Doc refuses what the integer profile refuses", "[replay][doc]") {
  for (const char* t :
       {R"({"a":1.5})", R"({"a":1e3})", R"({"a":)", R"({"a":1}x)", R"({"a" 1})",
        R"(["x",])", R"({"a":"unterminated})", R"({"a":99999999999999999999})",
        R"({"a":"\q"})"}) {
    Doc d;
    INFO(t);
    CHECK(!d.Parse(t));
  }
}

namespace {

// A JSON string of `n` random pieces: plain ASCII, Chinese, and escapes
// (quote, backslash, \\u0041), so that quotes and backslashes fall before,
// on and after the 16-byte boundaries Doc's scan reads at.
std::string RandomString(std::mt19937_64& rng, std::size_t n) {
  static const char* const kPieces[] = {"a",   "Z",       "云", "\\\"", "\\\\",
                                        "\\n", "\\u0041", "/",  " ",    "0"};
  std::string s = "\"";
  for (; n > 0; --n) s += kPieces[rng() % 10];
  return s + "\"";
}

}  // namespace

TEST_CASE("Doc's string scan agrees with nlohmann at every length",
          "[replay][doc]") {
  std::mt19937_64 rng(7);
  int escaped = 0;
  for (int round = 0; round < 3000; ++round) {
    // Plain strings most of the time, as in events; escapes in a third.
    std::string key = RandomString(rng, rng() % 40);
    std::string value = RandomString(rng, rng() % 70);
    if (round % 3 != 0) {
      key = "\"" + std::string(rng() % 40, 'k') + "\"";
      value = "\"" + std::string(rng() % 70, 'v') + "\"";
    }
    const std::string text = "{" + key + ":" + value + ",\"n\":1}";
    INFO(text);
    Doc d;
    REQUIRE(d.Parse(text));
    const Json want = Json::parse(text);
    CHECK(d.root().ToJson() == want);
    const std::string k = Json::parse(key).get<std::string>();
    CHECK(d.root()[k].str() == Json::parse(value).get<std::string>());
    CHECK(d.root()["n"].num() == 1);
    escaped += text.find('\\') != std::string::npos;
    // Cut anywhere inside the value, the string is unterminated.
    const std::size_t value_at = 1 + key.size() + 1;
    const std::size_t cut = value_at + 1 + rng() % (value.size() - 1);
    Doc cut_doc;
    CHECK(!cut_doc.Parse(text.substr(0, cut)));
    CHECK(!cut_doc.root().present());
  }
  CHECK(escaped > 500);  // both paths were taken
}

TEST_CASE("A stored entry is decoded in one pass over its event",
          "[replay][doc]") {
  // The event holds the bytes of the members that follow it, so a reader
  // that searched for them instead of parsing would stop early.
  const std::string event =
      R"({"agency":"a","data":{"prev":",\"prev\":\"","seq":1,)"
      R"("signature":{"x":"}"}},"id":"e-1",)"
      R"("occurred_at":"2024-03-04T08:00:00Z","type":"fund.test"})";
  const std::string sig = R"({"alg":"Ed25519","key_id":"k","sig":"s"})";
  const std::string entry =
      BuildEntry(42, Hash{}, "2024-03-04T08:00:01Z", event, sig);
  Event e;
  REQUIRE(DecodeEntryInto(entry, e).ok());
  CHECK(e.seq == 42);
  CHECK(e.type == "fund.test");
  CHECK(e.id == "e-1");
  CHECK(e.data()["prev"].str() == ",\"prev\":\"");
  CHECK(e.data()["signature"]["x"].str() == "}");
  auto view =
      ScanEntryAfterEvent(entry, kEntryEventPrefix.size() + event.size());
  REQUIRE(view.ok());
  CHECK(view->event == event);
  CHECK(view->signature == sig);

  // Each damaged entry is refused with the scan's own reason.
  const std::pair<std::string, std::string> damaged[] = {
      {entry.substr(0, entry.size() - 2), "bad signature"},
      {entry.substr(0, entry.size() - 1), "trailing bytes after the entry"},
      {entry + " ", "trailing bytes after the entry"},
      {std::string(entry).replace(entry.find(",\"seq\":42"), 9, ",\"seq\":x"),
       "bad seq"},
      {std::string(entry).replace(entry.find(",\"prev\":\"0"), 9,
                                  ",\"prev\":1"),
       "missing prev"},
      {entry.substr(0, kEntryEventPrefix.size() + 20), "unterminated event"},
      {"[" + entry.substr(1), "entry does not start with the event object"},
  };
  for (const auto& [text, reason] : damaged) {
    INFO(text);
    Event d;
    auto st = DecodeEntryInto(text, d);
    REQUIRE(!st.ok());
    CHECK(st.error().detail == reason);
  }
  // An event_end that is not where the event ends is refused.
  CHECK(!ScanEntryAfterEvent(entry, kEntryEventPrefix.size() + 1).ok());
  CHECK(!ScanEntryAfterEvent(entry, entry.size() + 1).ok());
}

}  // namespace fl::replay
