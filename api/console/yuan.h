// Money for people: integer fen as yuan with two decimals, by integer
// arithmetic only (no floating point ever touches an amount).
#pragma once

#include <cstdint>
#include <string>

namespace fl::console {

// 123456 -> "1234.56", -5 -> "-0.05", INT64_MIN included.
std::string YuanFromFen(std::int64_t fen);

}  // namespace fl::console
