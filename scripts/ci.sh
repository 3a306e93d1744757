#!/usr/bin/env bash
# Installs what the tests need on a fresh machine (Debian packages, npm packages), then runs them all.
set -euo pipefail
cd "$(dirname "$0")/.."
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
bash scripts/install-system-deps.sh
npm ci --no-audit --no-fund
exec bash scripts/test-all.sh
