// Calendar days for the rules: business dates as day numbers, so "within
// 30 days" is integer arithmetic (RULES.md: calendar days, inclusive).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fl::replay {

using Day = std::int32_t;  // days since 1970-01-01
inline constexpr Day kNoDay = INT32_MIN;

// "YYYY-MM-DD", or the date part of an RFC 3339 timestamp.
std::optional<Day> ParseDay(std::string_view text);
std::string FormatDay(Day d);
int YearOf(Day d);
Day DayOf(int year, unsigned month, unsigned day);
Day YearEnd(int year);  // Dec 31
// The same month and day `years` later; Feb 29 -> Mar 1 (RULES.md R17).
Day AddYears(Day d, int years);

}  // namespace fl::replay
