// Flag severities (RULES.md) and their names. Public: the HTTP edge checks
// a `severity` parameter before it waits for a projection.
#pragma once

#include <string_view>

namespace fl::replay {

enum Severity : int { kInfo = 0, kLow, kMedium, kHigh, kCritical };
const char* SeverityName(int s);
int SeverityFromName(std::string_view name);  // -1 when unknown

}  // namespace fl::replay
