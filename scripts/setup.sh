#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks and builds build/fundledger
# (release) — the first half of the README's first command. Everything the
# test command uses is installed here too (Debian packages, then the pinned
# Node.js and npm tools); the test suite itself is built by scripts/test.sh.
#
#   BUILD_DIR    build folder (default build)
#   CMAKE_ARGS   extra CMake arguments (test.sh passes the sanitizer build's)
#   FL_TARGETS   what to build (default: fundledger; test.sh: all)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(build-essential cmake pkg-config librocksdb-dev rocksdb-tools
          libcrypto++-dev libboost1.81-dev nlohmann-json3-dev catch2 libssl-dev
          libjemalloc-dev
          python3 python3-cryptography openssl ca-certificates clang-format
          chromium fonts-wqy-microhei clang libclang-rt-14-dev llvm-14)
# chromium: the console's browser test (playwright-core drives it);
# fonts-wqy-microhei: a CJK font so the console's Chinese renders;
# clang + libclang-rt-14-dev: the sanitizer builds and their runtimes
# (libFuzzer, ASan+UBSan, TSan: scripts/fuzz.sh, scripts/tsan.sh, test.sh);
# llvm-14: its llvm-symbolizer names the frames of sanitizer reports, which
# TSan's suppressions (scripts/tsan.supp) match by function name.
# Debian's Node.js 18 and npm 9 only bootstrap the pinned Node.js 20
# (scripts/install-node.sh); a machine that already has an npm skips them.
command -v npm >/dev/null || PACKAGES+=(nodejs npm)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

scripts/install-node.sh

BUILD_DIR=${BUILD_DIR:-build}
# -Werror is for the project's own builds (these scripts); a plain cmake
# build warns without failing.
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFL_WERROR=ON ${CMAKE_ARGS:-} >/dev/null
if [ "${FL_TARGETS:-fundledger}" = all ]; then
  cmake --build "$BUILD_DIR" -j"$(nproc)"
else
  cmake --build "$BUILD_DIR" -j"$(nproc)" --target ${FL_TARGETS:-fundledger}
fi
