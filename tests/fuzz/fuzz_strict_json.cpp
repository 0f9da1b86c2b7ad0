// libFuzzer: the strict JSON parser never crashes, and what it accepts
// canonicalises to text it accepts again with the same meaning (JCS is a
// fixed point).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ledger/canonical_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = fl::ParseStrict(text);
  if (!parsed.ok()) return 0;
  std::string canonical = fl::Canonicalize(*parsed);
  auto again = fl::ParseStrict(canonical);
  if (!again.ok() || *again != *parsed ||
      fl::Canonicalize(*again) != canonical) {
    std::abort();
  }
  return 0;
}
