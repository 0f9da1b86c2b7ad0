#!/usr/bin/env bash
# ThreadSanitizer over the concurrent parts: group commit with many
# producers and with failing groups, the HTTP server with concurrent
# clients and its limits, the projection worker beside appends and
# readers. Called by scripts/test.sh (FL_SKIP_TSAN=1 skips it); exits
# non-zero on any reported race (halt_on_error) or failed test.
# Only fl_tsan_tests (the files with those tests, tests/CMakeLists.txt) is
# built with -fsanitize=thread, in its own directory, to keep the
# instrumented build short (build and run about 6 min on 2 cores on a slow
# day, 2026-12-07).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${TSAN_BUILD_DIR:-build-tsan}
# clang: the same compile time as GCC here, and it can use the precompiled
# headers (CMakeLists.txt, FL_PCH), which GCC 12 cannot with -Werror.
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFL_WERROR=ON \
  -DFL_TSAN=ON -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" --target fl_tsan_tests
# The concurrent tests, by name (Catch2 test specs: a comma means "or", so
# names with commas end in *). The single-client [http] tests (status table,
# headers, read filters) add no concurrency and are left to the ASan pass,
# to keep CI within its 40 minutes.
SPECS=(
  "concurrent producers: no lost or duplicate seq*"
  "a failing group write refuses its callers and the next succeeds"
  "concurrent appenders survive groups that fail or throw"
  "32 concurrent clients append 20k events*"
  "slow clients (one byte per second) do not delay others*"
  "an idle keep-alive connection is closed after the idle timeout"
  "connections over the cap are closed; others carry on"
  "Stop finishes in-flight appends and answers them"
  "one client address holds at most 64 connections*"
  "a smaller per-address cap (serve --max-conns-per-ip) holds too"
  "a connection that sends no request in time is closed"
  "at the connection cap an idle keep-alive connection makes room"
  "connections that never sent a request are not evicted"
  "bad signatures do not use up an agency's append rate"
  "an agency over its append rate gets 429 with Retry-After"
  "projection reads queue to a bounded depth and proofs never wait for them"
  "min_seq waits for the worker without holding read threads"
  "a read held for min_seq is answered 503 when the server stops"
  "replay equals the live worker on random streams"
  "a restarted worker resumes at its stored seq"
  "a work team runs every index once in every loop"
  "a work team's loops see what the caller wrote before them"
)
spec=$(IFS=,; echo "${SPECS[*]}")
tests_bin=$(find "$BUILD_DIR" -name fl_tsan_tests -type f -perm -u+x | head -n 1)
# A renamed test would silently drop out of the spec: each name must match.
# (Catch2 v2's --list exits with the number of tests listed.)
matched=$({ "$tests_bin" --list-test-names-only "$spec" || true; } | grep -c .)
if [ "$matched" -ne "${#SPECS[@]}" ]; then
  echo "tsan: ${#SPECS[@]} names listed, $matched tests match" >&2
  exit 1
fi
# RocksDB, Crypto++ and libstdc++ are not instrumented; report races in our
# code and stop at the first one. Suppressions: scripts/tsan.supp (each with
# its reason). setarch -R: TSan's fixed shadow layout wants no ASLR surprises.
# The suppressions name functions, so the stacks must be symbolized: clang's
# runtime runs llvm-symbolizer (package llvm-14). Without it every frame is
# <null>, nothing matches, and RocksDB's race of tsan.supp fails the run (a
# fresh Debian 12 root did just that).
symbolizer=/usr/lib/llvm-14/bin/llvm-symbolizer
if [ ! -x "$symbolizer" ]; then
  echo "tsan: $symbolizer missing: run scripts/setup.sh (package llvm-14)" >&2
  exit 1
fi
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/scripts/tsan.supp external_symbolizer_path=$symbolizer ${TSAN_OPTIONS:-}"
setarch "$(uname -m)" -R "$tests_bin" "$spec"
