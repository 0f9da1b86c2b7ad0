// GB/T 2260 division codes (EVENTS.md "Identifiers").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fl {

// 6, 9 or 12 ASCII digits.
bool IsDivisionCode(std::string_view code);
// The significant prefix: "530000" -> "53", "530600" -> "5306",
// "530621" -> "530621", "000000" -> ""; 9/12-digit codes drop trailing
// all-zero groups of three first.
std::string DivisionPrefix(std::string_view code);
// True when `code` lies within `scope` (code starts with scope's prefix).
bool DivisionWithin(std::string_view code, std::string_view scope);
// The prefixes (DivisionPrefix) of every scope `code` lies within, shortest
// first: "" and the 2-, 4-, 6-, 9- and 12-digit heads that `code` has.
// DivisionWithin(code, s) exactly when s is a code whose prefix is one of
// them. None when `code` is not a code.
std::vector<std::string_view> ScopePrefixes(std::string_view code);
// Every code s with DivisionWithin(code, s), each once: what holds `code`
// can be looked up by key instead of tested row by row. None when `code`
// is not a code. ("530621" -> "000000", "530000", "530600", "530621", and
// each of those with "000" and "000000" appended.)
std::vector<std::string> ScopesContaining(std::string_view code);
// First six digits.
std::string CountyOf(std::string_view code);

}  // namespace fl
