#!/usr/bin/env bash
# ThreadSanitizer over the concurrent parts: group commit with many
# producers, the HTTP server with concurrent clients, the projection worker
# beside appends and readers. Run by scripts/test.sh; exits non-zero on any
# reported race (halt_on_error) or failed test.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${TSAN_BUILD_DIR:-build-tsan}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFL_WERROR=ON \
  -DFL_TSAN=ON >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" --target fl_tests fundledger
# The concurrent tests, by name or tag (Catch2 test specs, comma = or).
SPECS=(
  "concurrent producers: no lost or duplicate seq, all proofs hold"
  "[http]"
  "replay equals the live worker on random streams"
  "a restarted worker resumes at its stored seq"
  "min_seq waits for the worker without holding read threads"
)
spec=$(IFS=,; echo "${SPECS[*]}")
tests_bin=$(find "$BUILD_DIR" -name fl_tests -type f -perm -u+x | head -n 1)
# RocksDB, Crypto++ and libstdc++ are not instrumented; report races in our
# code and stop at the first one.
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}" \
  "$tests_bin" "$spec"
