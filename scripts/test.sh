#!/usr/bin/env bash
# The README's second command and what .ci/run calls: install what is
# missing, build everything, then run every test in the release build and
# again under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
FL_TARGETS=all scripts/setup.sh
. scripts/node-env.sh
# docs/openapi.json must be a valid OpenAPI 3.1 document (the route table
# test checks it names exactly the server's routes).
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  node_modules/.bin/redocly lint docs/openapi.json
(cd build && ctest --output-on-failure -j2 --timeout 600)
# Every libFuzzer target for a short fixed count (scripts/fuzz.sh RUNS for
# a long run).
if [ "${FL_SKIP_FUZZ:-0}" != 1 ]; then
  scripts/fuzz.sh "${FL_FUZZ_RUNS:-20000}"
fi
# ThreadSanitizer over the concurrent tests: group commit, the HTTP server
# and the projection worker (scripts/tsan.sh builds only those tests' files
# in build-tsan). It runs clean, but adds ~10 min (build and run), and CI
# has not yet been measured under its 40 minutes without it (docs/security.md,
# Open); until a run shows it fits, it is opt-in: FL_TSAN=1.
if [ "${FL_TSAN:-0}" = 1 ]; then
  scripts/tsan.sh
fi
if [ "${FL_SKIP_SANITIZERS:-0}" != 1 ]; then
  FL_TARGETS=all BUILD_DIR=build-asan CMAKE_ARGS="-DFL_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug" scripts/setup.sh
  # Without the source checks and the slow external clients (labels in
  # tests/CMakeLists.txt say why): they ran above against the release build.
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j2 --timeout 900 \
     -LE 'source_check|slow_client')
fi
