// libFuzzer: the strict JSON parser never crashes, and what it accepts
// canonicalises to text it accepts again with the same meaning (JCS is a
// fixed point). The one-pass canonical check (ledger/canonical_scan.h)
// says yes exactly when parsing and canonicalising gives the text back.
// The parser agrees with the one it replaced (tests/strict_json_oracle.h):
// the same value, or the same refusal reason and field.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "../strict_json_oracle.h"
#include "ledger/canonical_json.h"
#include "ledger/canonical_scan.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = fl::ParseStrict(text);
  // A small depth too, so the fuzzer reaches the depth limit's pointers.
  for (int depth : {fl::limits::kMaxEventDepth, 3}) {
    fl::JsonLimits limits{.max_depth = depth};
    auto ours = depth == fl::limits::kMaxEventDepth
                    ? parsed
                    : fl::ParseStrict(text, limits);
    auto oracle = fl::test::ParseStrictOracle(text, limits);
    if (ours.ok() != oracle.ok()) std::abort();
    if (ours.ok() && *ours != *oracle) std::abort();
    if (!ours.ok() && (ours.error().reason != oracle.error().reason ||
                       ours.error().field != oracle.error().field)) {
      std::abort();
    }
  }
  const bool canonical_text = parsed.ok() && fl::Canonicalize(*parsed) == text;
  if (fl::IsCanonicalJson(text) != canonical_text) std::abort();
  if (!parsed.ok()) return 0;
  std::string canonical = fl::Canonicalize(*parsed);
  if (!fl::IsCanonicalJson(canonical)) std::abort();
  auto again = fl::ParseStrict(canonical);
  if (!again.ok() || *again != *parsed ||
      fl::Canonicalize(*again) != canonical) {
    std::abort();
  }
  return 0;
}
