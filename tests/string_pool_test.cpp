// The pool that holds the bytes of the State's payments: views stay valid
// and equal to what was stored across many blocks, a move of the pool, and
// strings longer than a block's share.
#include "replay/string_pool.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

namespace fl::replay {

TEST_CASE("StringPool keeps every view's bytes", "[replay][pool]") {
  StringPool pool;
  std::vector<std::pair<std::string, std::string_view>> kept;
  // ~6 MiB of ids: several blocks.
  for (int i = 0; i < 200000; ++i) {
    std::string s = "p2024-ops-530102-" + std::to_string(i) + "-payment";
    kept.emplace_back(s, pool.Copy(s));
  }
  // Longer than a quarter block: a block of its own, between small ones.
  const std::string big(600 * 1024, 'x');
  const std::string_view big_view = pool.Copy(big);
  kept.emplace_back("after-big", pool.Copy("after-big"));

  StringPool moved = std::move(pool);
  for (int i = 0; i < 1000; ++i) moved.Copy("more bytes after the move");
  for (const auto& [s, v] : kept) REQUIRE(v == s);
  CHECK(big_view == big);
  CHECK(moved.Copy("").empty());
}

TEST_CASE("StringPool interns equal strings once", "[replay][pool]") {
  StringPool pool;
  std::string lot = "a2023-hs-ben-530102";
  const std::string_view a = pool.Intern(lot);
  lot[0] = 'b';  // the pool holds its own bytes
  const std::string_view b = pool.Intern("a2023-hs-ben-530102");
  CHECK(a == "a2023-hs-ben-530102");
  CHECK(a.data() == b.data());  // one copy
  const std::string_view c = pool.Intern(lot);
  CHECK(c == "b2023-hs-ben-530102");
  CHECK(c.data() != a.data());
  // Copy never shares, even for a string already interned.
  CHECK(pool.Copy("a2023-hs-ben-530102").data() != a.data());
  CHECK(pool.Intern("").empty());
}

}  // namespace fl::replay
