// libFuzzer, differential: the fold's flat reader (replay/doc) reads stored
// entries, which are JCS text the strict parser accepted at append time.
// So: for every text the strict parser accepts, the reader reads its
// canonical form to the same value, and the raw text too whenever the
// reader takes it (it skips no whitespace inside values). The reader is lax
// on purpose elsewhere (duplicate keys): it never sees unvalidated text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ledger/canonical_json.h"
#include "replay/doc.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto strict = fl::ParseStrict(text);
  if (!strict.ok()) return 0;
  fl::replay::Doc raw;
  if (raw.Parse(text) && raw.root().ToJson() != *strict) std::abort();
  fl::replay::Doc canonical;
  if (!canonical.Parse(fl::Canonicalize(*strict)) ||
      canonical.root().ToJson() != *strict) {
    std::abort();
  }
  return 0;
}
