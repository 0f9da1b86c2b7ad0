# Read by ctest after the tests catch_discover_tests found (the directory's
# TEST_INCLUDE_FILES, tests/CMakeLists.txt). ctest -j starts the tests of
# highest COST first. A clean checkout has no timings from an earlier run,
# so without these the longest tests, numbered in file order, start among
# the last and CI's ASan+UBSan step ends on one busy core while the other
# idles (2026-12-07: the last four ran 54-150 s each, starting after 183 of
# 264 tests). A renamed test makes ctest report this file's error.
set_tests_properties(
  "replay equals the live worker on random streams"
  "historic reads stop early and survive later-dated appends"
  "historic flag reads come from the day history while dates grow"
  "32 concurrent clients append 20k events: no loss, no duplicate, all provable"
  "replay output equals GET /v1/flags and /v1/balances over HTTP"
  PROPERTIES COST 1000)
