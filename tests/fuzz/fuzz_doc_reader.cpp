// libFuzzer, differential: whatever the strict parser accepts, the fold's
// flat reader (replay/doc) reads to the same value. The fold reads stored
// entries, which the strict parser accepted at append time.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ledger/canonical_json.h"
#include "replay/doc.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  fl::replay::Doc doc;
  const bool flat = doc.Parse(text);
  auto strict = fl::ParseStrict(text);
  if (!strict.ok()) return 0;
  if (!flat || doc.root().ToJson() != *strict) std::abort();
  return 0;
}
