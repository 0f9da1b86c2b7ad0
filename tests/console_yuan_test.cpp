// Yuan from integer fen, by integer arithmetic, at the edges of int64.
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>

#include "api/console/yuan.h"

using fl::console::YuanFromFen;

TEST_CASE("yuan from fen: two decimals, sign, int64 edges", "[console]") {
  CHECK(YuanFromFen(0) == "0.00");
  CHECK(YuanFromFen(5) == "0.05");
  CHECK(YuanFromFen(-5) == "-0.05");
  CHECK(YuanFromFen(123456) == "1234.56");
  CHECK(YuanFromFen(200000000) == "2000000.00");
  CHECK(YuanFromFen(std::numeric_limits<std::int64_t>::max()) ==
        "92233720368547758.07");
  CHECK(YuanFromFen(std::numeric_limits<std::int64_t>::min()) ==
        "-92233720368547758.08");
}
