// Pieces of JSON text handling that the strict parser, the canonical scan,
// the schema checks and replay's entry reader all need, written once.
#pragma once

#include <string>
#include <string_view>

namespace fl {

// Length (2-4) of the well-formed multi-byte UTF-8 sequence at p, or 0 for
// anything else, an ASCII byte included (RFC 3629 table 3: no overlong
// forms, no surrogates, nothing past U+10FFFF). Reads nothing at or past
// `end`.
int Utf8SequenceLength(const char* p, const char* end);

// Appends the UTF-8 form of code point `cp` (at most U+10FFFF).
void AppendUtf8(std::string& out, char32_t cp);

// Appends "/" and `token` as an RFC 6901 reference token ('~' -> "~0",
// '/' -> "~1").
void AppendPointerToken(std::string& out, std::string_view token);

}  // namespace fl
