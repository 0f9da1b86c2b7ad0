// Strict JSON in, RFC 8785 (JCS) canonical JSON out, integer-only profile
// (LEDGER.md 1). Hashed and signed bytes always come from Canonicalize.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "crypto/status.h"
#include "ledger/limits.h"

namespace fl {

using Json = nlohmann::json;

struct JsonLimits {
  // Deepest nesting of arrays/objects; the root container is depth 1.
  int max_depth = limits::kMaxEventDepth;
  std::size_t max_bytes = limits::kMaxBodyBytes;
};

// Refuses, with the API.md reasons (invalid argument but size, exhausted):
//   malformed_json      syntax errors, invalid UTF-8, trailing bytes
//   duplicate_key       an object names a key twice
//   non_integer_number  a number with a fraction or exponent
//   invalid_field       an integer outside +-(2^53-1)
//   too_deep            nesting past max_depth
//   payload_too_large   input longer than max_bytes
Result<Json> ParseStrict(std::string_view text, const JsonLimits& limits = {});

// RFC 8785: keys sorted by UTF-16 code units, minimal string escapes,
// integers in decimal. Input must hold only integer numbers.
std::string Canonicalize(const Json& value);

// Appends `s` (valid UTF-8) as a JSON string with RFC 8785's minimal
// escapes: '"', '\\', the short escapes of \b \f \n \r \t and \u00xx for
// other control characters; every other byte as is. nlohmann's dump()
// without ensure_ascii writes valid UTF-8 the same way, so writers that
// skip the DOM (api/http/receipt_json.h) produce its bytes.
void AppendJsonString(std::string& out, std::string_view s);

// RFC 8785 3.2.3 key order: a before b by UTF-16 code units. Both must be
// valid UTF-8.
bool Utf16Less(std::string_view a, std::string_view b);

}  // namespace fl
