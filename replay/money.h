// Money arithmetic of the projections. One amount is at most 10^15 fen
// (EVENTS.md), but a log may hold enough of them to pass 2^63 in one total
// (~9,224 maximum-size payments on one lot). A wrapped total would turn an
// overspend into a surplus and hide its flag, so every sum of amounts goes
// through these: on overflow a total stops at the int64 bound (saturates)
// instead of wrapping. Saturation keeps order: a total that large is still
// over every cap and threshold and a balance that negative still flags.
// Only a history worth over 9.2 * 10^18 fen (92 quadrillion yuan) reaches
// the bound, and then the figure shown is the bound (docs/spec-notes.md).
//
// Saturating addition is not associative once a partial sum reaches the
// bound, so running sums are kept in seq order, the same live and in a
// replay. A sum over a table's rows takes them in hash order, which can
// differ between a worker that applied the log and one that loaded its
// store; such sums (balances over lots, R15 over lottery rows) add only
// figures that are never negative, and a saturating sum of one sign comes
// out the same in any order.
#pragma once

#include <cstdint>
#include <limits>

namespace fl::replay {

inline constexpr std::int64_t kFenMax =
    std::numeric_limits<std::int64_t>::max();
inline constexpr std::int64_t kFenMin =
    std::numeric_limits<std::int64_t>::min();

constexpr std::int64_t FenAdd(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? kFenMax : kFenMin;
  return r;
}

constexpr std::int64_t FenSub(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_sub_overflow(a, b, &r)) return b < 0 ? kFenMax : kFenMin;
  return r;
}

// A 128-bit product or quotient (a percentage of a base) brought back into
// int64 the same way.
constexpr std::int64_t FenClamp(__int128 v) {
  if (v > kFenMax) return kFenMax;
  if (v < kFenMin) return kFenMin;
  return static_cast<std::int64_t>(v);
}

// -a, with -kFenMin (not representable) as kFenMax.
constexpr std::int64_t FenNeg(std::int64_t a) { return FenSub(0, a); }

static_assert(FenAdd(kFenMax, 1) == kFenMax);
static_assert(FenAdd(kFenMin, -1) == kFenMin);
static_assert(FenSub(kFenMin, 1) == kFenMin);
static_assert(FenSub(0, kFenMin) == kFenMax);
static_assert(FenNeg(kFenMin) == kFenMax);
static_assert(FenAdd(2, -3) == -1);

}  // namespace fl::replay
