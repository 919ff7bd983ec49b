#!/usr/bin/env bash
# `pnpm test:conformance`: the suites that check GreenTrack against the shared specification
# (seed DDL, provider specs), read in place from ../shared/spec beside the repository, or from
# GREENTRACK_SPEC_DIR. Never copied into the repo, so `npm test` does not need it; this run
# FAILS (exit 1, naming the path) when it is missing.
#
#   adapters: provider-spec conformance (*.conformance.test.ts)
#   core:     schema parity with the seed DDL, on embedded PGlite, then on the Postgres
#             server in DATABASE_URL when it is set (`.ci/run` sets it).
set -euo pipefail
cd "$(dirname "$0")/.."

spec_dir="${GREENTRACK_SPEC_DIR:-$(cd .. && pwd)/shared/spec}"
if [[ ! -d $spec_dir ]]; then
  printf '\nERROR: shared spec directory missing: %s\n' "$spec_dir" >&2
  printf 'The conformance tests read it in place (../shared/spec beside the repository, or set\n' >&2
  printf 'GREENTRACK_SPEC_DIR); it is never copied into the repo. `npm test` does not need it.\n\n' >&2
  exit 1
fi
export GREENTRACK_SPEC_DIR="$spec_dir"

# shellcheck source=scripts/lib/pnpm.sh
source scripts/lib/pnpm.sh
[[ -d node_modules ]] || pnpm install --frozen-lockfile

started=$(date +%s)
step() { printf '\n==> %s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }
results_dir="$(pwd)/.greentrack/conformance-results"
rm -rf "$results_dir" && mkdir -p "$results_dir"
export GREENTRACK_TEST_RESULTS="$results_dir"
echo "spec: $spec_dir"

step "adapters: provider specs"
pnpm --filter @greentrack/adapters test:conformance

step "core: schema parity on embedded PGlite"
env -u DATABASE_URL pnpm --filter @greentrack/core test:conformance

if [[ -n ${DATABASE_URL:-} ]]; then
  step "core: schema parity on PostgreSQL (${DATABASE_URL%%:*}://…@${DATABASE_URL##*@})"
  pnpm --filter @greentrack/core test:conformance
else
  step "core on PostgreSQL: skipped (DATABASE_URL is not set)"
fi

step "done"
node scripts/summarize-tests.mjs "$results_dir"
