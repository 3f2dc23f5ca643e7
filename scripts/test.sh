#!/usr/bin/env bash
# The whole gate, in the order a failure is cheapest to see: types, lint and format,
# then unit, engine, integration, HTTP and browser tests under coverage.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== type check"; npx tsc --noEmit
echo "== lint and format"; npx biome check .
rm -rf coverage
export NODE_V8_COVERAGE=coverage/tmp
status=0
for level in unit engine integration http browser; do
  if compgen -G "test/$level/*.test.ts" >/dev/null || compgen -G "test/$level/**/*.test.ts" >/dev/null; then
    echo "== $level tests"
    npx mocha "test/$level/**/*.test.ts" || status=1
  fi
done
unset NODE_V8_COVERAGE
echo "== coverage"
npx c8 report --temp-directory coverage/tmp --reporter text-summary --reporter html \
  --src src --src jobs --include 'src/**' --include 'jobs/**' --exclude 'src/embedded-mongo/cli.ts' \
  --check-coverage --lines "${COVERAGE_LINES:-85}" || status=1
exit $status
