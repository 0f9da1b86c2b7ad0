#!/bin/sh
# Fails when a C++ source of ours differs from what clang-format (Debian's
# clang-format 14, .clang-format) makes of it; prints the first differences.
# Fix with: clang-format -i $(scripts/check-format.sh --list)
set -eu
cd "$(dirname "$0")/.."
files=$(find crypto ledger replay api tests -name '*.h' -o -name '*.cpp' | sort)
if [ "${1:-}" = "--list" ]; then echo "$files"; exit 0; fi
if ! command -v clang-format >/dev/null; then
  echo "check-format: clang-format is not installed (scripts/setup.sh installs it)" >&2
  exit 1
fi
# shellcheck disable=SC2086  # one word per file; our paths have no spaces
clang-format --dry-run -Werror $files
echo "format: ok ($(echo "$files" | wc -l) files)"
