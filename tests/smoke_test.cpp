#include <catch2/catch.hpp>

#include "test_util.h"
TEST_CASE("vectors are reachable") {
  REQUIRE(std::filesystem::exists(fl::test::VectorsDir() / "SOURCES.md"));
}
