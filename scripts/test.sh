#!/usr/bin/env bash
# The whole test suite: lint, type-check, every jest test against the real PostgreSQL and RabbitMQ,
# then the fault suite (services as child processes; stops and restarts RabbitMQ and PostgreSQL, so it
# runs alone, one file at a time). `--no-faults` skips the fault suite; other arguments go to jest.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
faults=1
args=()
for arg in "$@"; do
  if [ "$arg" = "--no-faults" ]; then faults=0; else args+=("$arg"); fi
done
prepare
say "lint"
pnpm run --silent lint
say "type-check"
pnpm run --silent typecheck

results="$ROOT/.jest-results.json"
fault_results="$ROOT/.jest-fault-results.json"
fault_table="$ROOT/.fault-table.md"
rm -f "$results" "$fault_results" "$fault_table"
status=0
say "tests"
NODE_OPTIONS=--experimental-vm-modules pnpm exec jest --json --outputFile="$results" ${args[@]+"${args[@]}"} || status=$?
if [ "$faults" = 1 ] && [ "${#args[@]}" = 0 ]; then
  say "fault suite (kills, broker and database restarts, garbage in)"
  FAULT_REPORT_FILE="$fault_table" NODE_OPTIONS=--experimental-vm-modules \
    pnpm exec jest -c jest.faults.config.js --json --outputFile="$fault_results" || status=$?
  if [ -f "$fault_table" ]; then
    printf '\n| scenario | counts |\n| --- | --- |\n' && cat "$fault_table"
  fi
fi
node -e '
const fs = require("fs");
let passed = 0, failed = 0, skipped = 0;
for (const file of process.argv.slice(1)) {
  if (!fs.existsSync(file)) continue;
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests;
}
console.log(`jest: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results" "$fault_results"
exit "$status"
