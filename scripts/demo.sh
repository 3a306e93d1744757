#!/usr/bin/env bash
# One command on a fresh machine: install what the demo needs, build, start the real stack and the console.
set -euo pipefail
cd "$(dirname "$0")/.."
export ELECTRON_SKIP_BINARY_DOWNLOAD=${ELECTRON_SKIP_BINARY_DOWNLOAD:-1}
bash scripts/install-system-deps.sh
[ -d node_modules/.bin ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund
node scripts/build.mjs
exec node --import tsx scripts/demo.ts
