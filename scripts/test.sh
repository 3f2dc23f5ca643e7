#!/usr/bin/env bash
# The whole gate, in the order a failure is cheapest to see: types, the build, lint and format, then
# unit, engine, integration, HTTP and browser tests under coverage, then the coverage floor.
#
# The suite runs in America/New_York: neither UTC (where CI machines live) nor the offices'
# Asia/Shanghai, so code that reads the machine's zone instead of the office's fails here.
# The unit level runs once more in UTC. TEST_TZ overrides the main zone; COVERAGE_LINES the floor.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
step() { printf '\n== %s  [%ss]\n' "$1" "$((SECONDS - started))"; }

export TZ="${TEST_TZ:-America/New_York}"
step "type check"
npx tsc --noEmit
step "build (dist/, what npm start runs)"
node scripts/build.mjs
step "lint and format (Biome)"
npx biome check .

rm -rf coverage test-artifacts/screenshots
export NODE_V8_COVERAGE="$PWD/coverage/tmp"
status=0
failed=()
results="$(mktemp)"
trap 'rm -f "$results"' EXIT
for level in unit engine integration http browser; do
  if compgen -G "test/$level/*.test.ts" >/dev/null || compgen -G "test/$level/**/*.test.ts" >/dev/null; then
    step "$level tests (TZ=$TZ)"
    npx mocha "test/$level/**/*.test.ts" | tee -a "$results" || { status=1; failed+=("$level"); }
  fi
done
step "unit tests again (TZ=UTC)"
TZ=UTC npx mocha 'test/unit/**/*.test.ts' | tee -a "$results" || { status=1; failed+=("unit (UTC)"); }
unset NODE_V8_COVERAGE

step "coverage (lines >= ${COVERAGE_LINES:-85}%)"
npx c8 report --temp-directory coverage/tmp --reporter text-summary --reporter html \
  --src src --src jobs --include 'src/**' --include 'jobs/**' --exclude 'src/embedded-mongo/cli.ts' \
  --check-coverage --lines "${COVERAGE_LINES:-85}" || { status=1; failed+=("coverage"); }

step "done"
# One closing line for the whole run, in the plain form CI reads: "tests: N passed, N failed".
count() { grep -Eo "^ +[0-9]+ $1" "$results" | awk '{ n += $1 } END { print n + 0 }'; }
if ((status)); then echo "FAILED: ${failed[*]}"; else echo "all gates passed"; fi
echo "tests: $(count passing) passed, $(count failing) failed"
exit $status
