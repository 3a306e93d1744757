#!/usr/bin/env bash
# The one test command: typecheck (strict), lint, unit, integration (real servers), e2e (Chromium).
# Prints each stage's own summary, then one closing line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
log_dir=.tmp/test-logs
mkdir -p "$log_dir"
passed=0
failed=0
skipped=0
status=0

stage() { # name, command...
  local name=$1
  shift
  echo "=== $name: $*"
  local start=$SECONDS
  "$@" 2>&1 | tee "$log_dir/$name.log"
  local rc=${PIPESTATUS[0]}
  echo "=== $name: exit $rc in $((SECONDS - start)) s"
  return "$rc"
}

count() { # sums node:test spec-reporter totals from a log
  local log=$1 p f s
  p=$(grep -E '^ℹ pass [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
  f=$(grep -E '^ℹ fail [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
  s=$(grep -E '^ℹ skipped [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}

if stage typecheck npx tsc -p tsconfig.json --noEmit; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
if stage lint npx eslint . --max-warnings=0; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
stage build node scripts/build.mjs || status=1
for s in unit integration e2e; do
  if ! stage "$s" npm run --silent "test:$s"; then status=1; fi
  count "$log_dir/$s.log"
  if [ "$status" -ne 0 ] && ! grep -qE '^ℹ fail [1-9]' "$log_dir/$s.log"; then
    # The runner itself failed (crash, no summary): count the stage as one failure.
    grep -qE '^ℹ pass' "$log_dir/$s.log" || failed=$((failed + 1))
  fi
done

echo
echo "typecheck + lint + unit + integration + e2e (skipped: $skipped)"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
