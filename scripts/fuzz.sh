#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) and
# runs each from its seed corpus for a fixed number of executions. The
# test command runs a short count; `scripts/fuzz.sh 10000000` is the long
# run. New inputs go to a scratch copy, never into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-20000}
# The short run of the test command needs no optimisation, and the clang
# build of every library is one of CI's longest steps: unoptimised (Debug)
# it compiles about twice as fast. A long run (more than 100,000 inputs per
# target) gets an optimised build in its own folder, so the two never
# rebuild each other.
if [ "$RUNS" -gt 100000 ]; then
  BUILD_TYPE=RelWithDebInfo
  BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
else
  BUILD_TYPE=Debug
  BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz-quick}
fi
CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" \
  -DFL_FUZZ=ON -DFL_WERROR=ON >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" --target fuzz_all
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for dir in tests/fuzz/corpus/*/; do
  target=$(basename "$dir")
  cp -r "$dir" "$work/$target"
  echo "fuzz: $target, $RUNS runs"
  # -detect_leaks=0: libFuzzer's own leak check is slow and our targets
  # allocate per input; ASan still reports heap errors.
  status=0
  "$BUILD_DIR/tests/fuzz/$target" -runs="$RUNS" -max_len=65536 \
    -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$work/" \
    "$work/$target" \
    >"$work/$target.log" 2>&1 || status=$?
  grep -E "^stat::number_of_executed_units|^stat::new_units_added" \
    "$work/$target.log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$work/$target.log"
    echo "fuzz: $target FAILED (exit $status)" >&2
    exit 1
  fi
done
echo "fuzz: ok"
