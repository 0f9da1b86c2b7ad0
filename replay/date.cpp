#include "replay/date.h"

#include <cstdio>

namespace fl::replay {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public domain).
Day FromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

struct Civil {
  int y;
  unsigned m, d;
};

Civil ToCivil(Day z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysIn(int y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30,
                                   31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::optional<Day> ParseDay(std::string_view t) {
  if (t.size() < 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  auto num = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return -1;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1) return std::nullopt;
  if (static_cast<unsigned>(d) > DaysIn(y, static_cast<unsigned>(m)))
    return std::nullopt;
  return FromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string FormatDay(Day d) {
  Civil c = ToCivil(d);
  char buf[40];  // room for any int year: GCC -O3 checks the bound
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.y, c.m, c.d);
  return buf;
}

int YearOf(Day d) { return ToCivil(d).y; }
Day DayOf(int year, unsigned month, unsigned day) {
  return FromCivil(year, month, day);
}
Day YearEnd(int year) { return FromCivil(year, 12, 31); }

Day AddYears(Day d, int years) {
  Civil c = ToCivil(d);
  int y = c.y + years;
  if (c.m == 2 && c.d == 29 && !IsLeap(y)) return FromCivil(y, 3, 1);
  return FromCivil(y, c.m, c.d);
}

}  // namespace fl::replay
