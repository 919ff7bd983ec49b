#!/usr/bin/env bash
# The demo (README Quickstart: `npm run demo`): installs, builds, and runs the Express
# example's demo on the embedded database — no database server to install. It prints the
# summary, then serves the demo page until Ctrl-C; `npm run demo -- --no-serve` exits after
# the summary (arguments are passed to `src/demo.ts`).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/pnpm.sh
source scripts/lib/pnpm.sh
pnpm install --frozen-lockfile
# core and widgets: the page bundles the widgets' built package.
pnpm --filter @greentrack/core --filter @greentrack/widgets build
pnpm --filter @greentrack/example-express demo "$@"
