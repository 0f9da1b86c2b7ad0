// ScanEntry finds an entry's members by a structural scan that does not
// build a document (verify walks millions of entries through it), looking
// 16 bytes at a time for the bytes that matter. Random events full of them
// (quotes, backslashes, brackets inside strings, ending at every offset of
// a block) must come back exactly as built, and a cut entry is refused.
#include <catch2/catch.hpp>
#include <random>

#include "ledger/canonical_json.h"
#include "ledger/entry.h"

namespace {

using fl::Json;

std::string RandomText(std::mt19937_64& rng) {
  static const std::vector<std::string> pieces = {
      "\"",
      "\\",
      "{",
      "}",
      "[",
      "]",
      "a",
      "bc",
      "\\\\",
      "\"}",
      "\n",
      "\x01",
      "\xe4\xb8\xad",
      "  ",
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"};
  std::string s;
  const std::size_t n = rng() % 12;
  for (std::size_t i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
  return s;
}

Json RandomValue(std::mt19937_64& rng, int depth) {
  switch (depth > 4 ? rng() % 3 : rng() % 5) {
    case 0:
      return RandomText(rng);
    case 1:
      return static_cast<std::int64_t>(rng() % 2000000) - 1000000;
    case 2:
      return rng() % 2 == 0;
    case 3: {
      Json a = Json::array();
      for (std::size_t i = rng() % 5; i > 0; --i)
        a.push_back(RandomValue(rng, depth + 1));
      return a;
    }
    default: {
      Json o = Json::object();
      for (std::size_t i = rng() % 5; i > 0; --i)
        o[RandomText(rng)] = RandomValue(rng, depth + 1);
      return o;
    }
  }
}

}  // namespace

TEST_CASE("ScanEntry finds the members of random entries, and refuses cuts") {
  std::mt19937_64 rng(11);
  fl::Hash prev{};
  for (int i = 0; i < 3000; ++i) {
    Json event = Json::object();
    event["id"] = RandomText(rng);
    event["data"] = RandomValue(rng, 1);
    // Pad so the event's end falls at every offset of a block.
    event["pad"] = std::string(rng() % 130, 'p');
    const std::string event_text = fl::Canonicalize(event);
    const std::string sig_text = fl::Canonicalize(
        Json{{"alg", "Ed25519"}, {"key_id", RandomText(rng)}, {"sig", "AA=="}});
    prev[0] = static_cast<std::uint8_t>(i);
    const std::uint64_t seq = rng() % 100000;
    const std::string entry =
        fl::BuildEntry(seq, prev, "2026-12-07T15:00:00Z", event_text, sig_text);
    INFO("entry " << i << ": " << entry);
    auto view = fl::ScanEntry(entry);
    REQUIRE(view.ok());
    CHECK(view->event == event_text);
    CHECK(view->signature == sig_text);
    CHECK(view->seq == seq);
    CHECK(view->recorded_at == "2026-12-07T15:00:00Z");
    CHECK(view->prev_hex.size() == 64);
    // Cut anywhere inside the event: never a view.
    const std::size_t event_end =
        fl::kEntryEventPrefix.size() + event_text.size();
    const std::size_t cut = fl::kEntryEventPrefix.size() + 1 +
                            rng() % (event_end - fl::kEntryEventPrefix.size());
    CHECK_FALSE(fl::ScanEntry(std::string_view(entry).substr(0, cut)).ok());
  }
}
