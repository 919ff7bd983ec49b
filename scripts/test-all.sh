#!/usr/bin/env bash
# The whole test suite, from a fresh clone: install, lint, build, typecheck, publint, attw, the
# packed-install smoke test, tests on embedded PGlite, then PostgreSQL + pgvector set up locally
# and the database tests again on it. Needs nothing outside the repository (the shared spec is
# for `pnpm test:conformance`). `.ci/run` runs this, then the conformance run (README: `npm test`).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/pnpm.sh
source scripts/lib/pnpm.sh

started=$(date +%s)
step() { printf '\n==> %s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }
results_dir="$(pwd)/.greentrack/test-results"
rm -rf "$results_dir" && mkdir -p "$results_dir"

step "install (frozen lockfile)"
pnpm install --frozen-lockfile

step "chromium (widget tests run in a real browser)"
bash scripts/ensure-chromium.sh

step "lint"
pnpm lint

step "build (libraries first: the examples typecheck against their published types)"
pnpm build

step "typecheck"
pnpm typecheck

step "publint"
pnpm publint

step "attw (are the types wrong?) on the packed packages"
pnpm attw

step "packed-install smoke test (pnpm pack → npm install → import, bin, serve, widgets)"
node scripts/smoke-packed.mjs

step "tests on embedded PGlite"
unset DATABASE_URL
GREENTRACK_TEST_RESULTS="$results_dir/pglite" pnpm -r --workspace-concurrency=1 test

step "PostgreSQL + pgvector"
# Read the result from a file, not a pipe: a pipe stays open as long as any process
# started by the script (the server) holds it, and CI once hung here for that reason.
setup_out="$results_dir/setup-postgres.out"
bash scripts/setup-postgres.sh >"$setup_out"
database_line=$(tail -n1 "$setup_out")
export "${database_line?}"
echo "using ${DATABASE_URL%%:*}://…@${DATABASE_URL##*@}"

step "database tests on PostgreSQL"
GREENTRACK_TEST_RESULTS="$results_dir/postgres" pnpm --workspace-concurrency=1 --filter @greentrack/core --filter @greentrack/adapters test

step "done"
node scripts/summarize-tests.mjs "$results_dir"
