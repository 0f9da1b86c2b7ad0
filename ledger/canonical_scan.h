// Canonical JSON checked and read in place, without a DOM. `verify
// --signatures` re-checks that every stored entry is canonical; parsing it
// into a DOM and serialising it again cost ~15 us of the ~58 us of CPU an
// entry took (docs/PERFORMANCE.md), one pass over the bytes costs ~1 us.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/canonical_json.h"

namespace fl {

// True exactly when ParseStrict(text, limits) succeeds and Canonicalize()
// of what it parsed is `text` again, byte for byte (tests/fuzz checks the
// two against each other). Says only yes or no: callers that must explain
// a refusal ask ParseStrict.
bool IsCanonicalJson(std::string_view text, const JsonLimits& limits = {});

// Reads of text that passed IsCanonicalJson. The text of `key`'s value in
// the object `object`, or nullopt when `object` is not an object or has no
// such member.
std::optional<std::string_view> CanonicalMember(std::string_view object,
                                                std::string_view key);
// Index of the quote closing the JSON string whose opening quote is at
// s[open], or npos: the first quote after it preceded by an even number of
// backslashes (each pair is one escaped backslash).
std::size_t JsonStringEnd(std::string_view s, std::size_t open);

// The decoded value of a canonical JSON string ("..." with its quotes), or
// nullopt when `value` is not a string.
std::optional<std::string> CanonicalString(std::string_view value);

}  // namespace fl
