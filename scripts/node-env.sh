# Sourced by the scripts: puts the project's own Node.js and npm (installed
# into .tools/ by scripts/setup.sh, pinned in scripts/node-runtime/) first on
# PATH, so no script depends on whatever Node.js a machine happens to carry.
FL_TOOLS_BIN="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools/bin"
export PATH="$FL_TOOLS_BIN:$PATH"
