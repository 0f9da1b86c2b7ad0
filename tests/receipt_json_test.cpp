// The receipt writer (api/http/receipt_json.h) skips the JSON DOM; clients
// and the spec's examples were written against the DOM's bytes, so every
// receipt it writes must equal what Dump makes of the same object.
#include "api/http/receipt_json.h"

#include <catch2/catch.hpp>
#include <random>

#include "api/http/http_problem.h"
#include "crypto/encoding.h"

namespace {

using fl::Json;
using fl::Receipt;

std::string ViaDom(const Receipt& r, std::optional<bool> witnessed) {
  Json out = {{"seq", r.seq},
              {"event_id", r.event_id},
              {"leaf_hash", fl::HexEncode(fl::AsBytes(r.leaf_hash))},
              {"recorded_at", r.recorded_at},
              {"checkpoint", r.checkpoint}};
  if (witnessed) out["witnessed"] = *witnessed;
  return fl::http::Dump(out);
}

std::string Direct(const Receipt& r, std::optional<bool> witnessed) {
  std::string out;
  fl::http::AppendReceiptJson(out, r, witnessed);
  return out;
}

}  // namespace

TEST_CASE("a receipt written without a DOM has the DOM's bytes") {
  Receipt r;
  r.seq = 18446744073709551615ull;  // the widest seq
  r.event_id = "拨付-2024-\"q\"\\x\t\x01\x1f\x7f";
  for (std::size_t i = 0; i < r.leaf_hash.size(); ++i) {
    r.leaf_hash[i] = static_cast<std::uint8_t>(i * 37);
  }
  r.recorded_at = "2026-12-07T15:00:00Z";
  r.checkpoint =
      "fundledger/gen.yunnan\n12\nq83+\n\n\xe2\x80\x94 fundledger/gen.yunnan "
      "AbCd==\n";
  for (std::optional<bool> w :
       {std::optional<bool>(), std::optional<bool>(true),
        std::optional<bool>(false)}) {
    CHECK(Direct(r, w) == ViaDom(r, w));
  }
  r.seq = 0;
  r.event_id.clear();
  CHECK(Direct(r, std::nullopt) == ViaDom(r, std::nullopt));
  CHECK(Json::parse(Direct(r, true))["witnessed"] == true);
}

TEST_CASE("random receipts: the writer and the DOM agree byte for byte") {
  std::mt19937_64 rng(7);
  // Every ASCII byte, and a few multi-byte characters, in ids and notes.
  const std::vector<std::string> pieces = {"\xe4\xb8\xad", "\xf0\x9f\x98\x80",
                                           "\xc2\xa5", "\xe2\x80\x94"};
  auto text = [&](std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
      if (rng() % 8 == 0) {
        s += pieces[rng() % pieces.size()];
      } else {
        s += static_cast<char>(rng() % 128);
      }
    }
    return s;
  };
  for (int i = 0; i < 2000; ++i) {
    Receipt r;
    r.seq = rng() >> (rng() % 64);
    r.event_id = text(rng() % 40);
    for (auto& b : r.leaf_hash) b = static_cast<std::uint8_t>(rng());
    r.recorded_at = text(20);
    r.checkpoint = text(rng() % 200);
    const std::optional<bool> w =
        rng() % 3 == 0 ? std::nullopt : std::optional<bool>(rng() % 2 == 1);
    INFO("receipt " << i);
    REQUIRE(Direct(r, w) == ViaDom(r, w));
  }
}
