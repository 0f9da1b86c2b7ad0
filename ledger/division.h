// GB/T 2260 division codes (EVENTS.md "Identifiers").
#pragma once

#include <string>
#include <string_view>

namespace fl {

// 6, 9 or 12 ASCII digits.
bool IsDivisionCode(std::string_view code);
// The significant prefix: "530000" -> "53", "530600" -> "5306",
// "530621" -> "530621", "000000" -> ""; 9/12-digit codes drop trailing
// all-zero groups of three first.
std::string DivisionPrefix(std::string_view code);
// True when `code` lies within `scope` (code starts with scope's prefix).
bool DivisionWithin(std::string_view code, std::string_view scope);
// First six digits.
std::string CountyOf(std::string_view code);

}  // namespace fl
