#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks and builds fundledger into
# build/ (release) — the first half of the README's first command.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(build-essential cmake pkg-config librocksdb-dev rocksdb-tools
          libcrypto++-dev libboost1.81-dev nlohmann-json3-dev catch2
          python3 python3-cryptography openssl)
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

# The OpenAPI linter (@redocly/cli, pinned in package-lock.json) for
# scripts/test.sh, on the machine's Node.js (>= 20.19).
if ! command -v npm >/dev/null; then
  echo "setup: npm is missing: the OpenAPI lint of scripts/test.sh needs Node.js >= 20.19" >&2
elif [ ! -x node_modules/.bin/redocly ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
