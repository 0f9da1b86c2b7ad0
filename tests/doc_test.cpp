// The fold's JSON reader against nlohmann's parser on the same text.
#include "replay/doc.h"

#include <catch2/catch.hpp>

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

}  // namespace fl::replay
