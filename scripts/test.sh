#!/usr/bin/env bash
# The whole test suite: lint, type-check, then every jest test against the real PostgreSQL and RabbitMQ.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
prepare
say "lint"
pnpm run --silent lint
say "type-check"
pnpm run --silent typecheck
say "tests"
results="$ROOT/.jest-results.json"
rm -f "$results"
status=0
NODE_OPTIONS=--experimental-vm-modules pnpm exec jest --json --outputFile="$results" "$@" || status=$?
if [ -f "$results" ]; then
  node -e 'const r=require(process.argv[1]);console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`)' "$results"
fi
exit "$status"
