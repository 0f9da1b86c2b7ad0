// libFuzzer: envelope preparation (parse, schema, occurred_at bounds,
// canonical form) never crashes and never lets an error-free event through
// whose canonical form breaks the size limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ledger/canonical_json.h"
#include "ledger/event_schema.h"
#include "ledger/limits.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  fl::JsonLimits json_limits;
  json_limits.max_depth = fl::limits::kMaxEnvelopeDepth;
  auto parsed = fl::ParseStrict(text, json_limits);
  if (!parsed.ok()) return 0;
  fl::Status s = fl::ValidateEnvelope(*parsed);
  if (!s.ok()) return 0;
  (void)fl::CheckOccurredAt(
      parsed->at("event").at("occurred_at").get<std::string>(),
      "2100-01-01T00:00:00Z");
  if (fl::Canonicalize(parsed->at("event")).size() >
      fl::limits::kMaxCanonicalEventBytes) {
    std::abort();
  }
  return 0;
}
