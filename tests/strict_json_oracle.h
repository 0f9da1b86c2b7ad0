// The strict JSON parser as it was before ledger/strict_json.cpp: a SAX
// handler on nlohmann's own lexer. Kept only as an independent oracle, so
// tests and tests/fuzz/fuzz_strict_json can check that ParseStrict accepts
// and refuses exactly what it did, with the same reasons and fields (the
// details' wording differs).
#pragma once

#include <string_view>

#include "ledger/canonical_json.h"

namespace fl::test {

Result<Json> ParseStrictOracle(std::string_view text,
                               const JsonLimits& limits = {});

}  // namespace fl::test
