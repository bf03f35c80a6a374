#!/usr/bin/env bash
# Quick start: install, migrate, seed the demo integrations, and run all four services in the foreground.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
prepare
say "migrating"
pnpm run --silent migrate
say "seeding the demo integrations"
pnpm run --silent seed
say "starting ingress, management, dispatcher and audit (Ctrl-C stops them all)"
exec pnpm run --silent dev
