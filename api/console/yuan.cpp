#include "api/console/yuan.h"

namespace fl::console {

std::string YuanFromFen(std::int64_t fen) {
  // Work on the magnitude as unsigned so INT64_MIN does not overflow.
  const bool negative = fen < 0;
  const std::uint64_t mag = negative ? 0 - static_cast<std::uint64_t>(fen)
                                     : static_cast<std::uint64_t>(fen);
  std::string out = std::to_string(mag / 100);
  const unsigned cents = static_cast<unsigned>(mag % 100);
  out += '.';
  out += static_cast<char>('0' + cents / 10);
  out += static_cast<char>('0' + cents % 10);
  return negative ? "-" + out : out;
}

}  // namespace fl::console
