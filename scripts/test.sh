#!/usr/bin/env bash
# The README's second command and what .ci/run calls: install what is
# missing, build, and run every test, each in the build where it checks most:
#   1. release build (the shipped binary): the external clients (Python,
#      browser) and the source checks (ctest labels in tests/CMakeLists.txt);
#   2. libFuzzer: every target for a short fixed count (clang);
#   3. ThreadSanitizer: the concurrent tests (group commit, HTTP server,
#      projection worker; step 4 runs them too);
#   4. ASan+UBSan (clang): every other test, fl_tests' unit and
#      integration tests and the Python HTTP client.
# Each pass can be skipped: FL_SKIP_FUZZ=1, FL_SKIP_TSAN=1,
# FL_SKIP_SANITIZERS=1. CI must stay under 40 minutes on 2 cores; the
# figures per step are in docs/PERFORMANCE.md ("CI time").
set -euo pipefail
cd "$(dirname "$0")/.."
# One line per finished step with the seconds since the start, so a CI log
# shows where its time went.
step() { echo "test.sh: $1 done at ${SECONDS} s"; }
scripts/setup.sh
step "set-up and release build"
. scripts/node-env.sh
# docs/openapi.json must be a valid OpenAPI 3.1 document (the route table
# test checks it names exactly the server's routes).
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  node_modules/.bin/redocly lint docs/openapi.json
step "OpenAPI lint"
# fl_tests is not built here: its tests run once, under ASan+UBSan below,
# where they catch more than an optimised build would.
(cd build && ctest --output-on-failure -j2 --timeout 600 -L 'source_check|slow_client')
step "release tests"
if [ "${FL_SKIP_FUZZ:-0}" != 1 ]; then
  scripts/fuzz.sh "${FL_FUZZ_RUNS:-20000}"
  step "fuzzing"
fi
if [ "${FL_SKIP_TSAN:-0}" != 1 ]; then
  scripts/tsan.sh
  step "ThreadSanitizer"
fi
if [ "${FL_SKIP_SANITIZERS:-0}" != 1 ]; then
  # clang: it compiles our Beast and Catch2 code with ASan in half GCC's
  # time (tests/http_server_test.cpp 9.8 s against 20.8 s at -O0).
  FL_TARGETS=all BUILD_DIR=build-asan CMAKE_ARGS="-DFL_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++" \
    scripts/setup.sh
  step "ASan+UBSan build"
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j2 --timeout 900 \
     -LE 'source_check|slow_client')
  step "ASan+UBSan tests"
fi
