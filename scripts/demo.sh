#!/usr/bin/env bash
# The demo (README Quickstart: `npm run demo`): installs, builds, and runs the Express
# example's demo on the embedded database — no database server to install.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/pnpm.sh
source scripts/lib/pnpm.sh
pnpm install --frozen-lockfile
pnpm --filter @greentrack/core build
pnpm --filter @greentrack/example-express demo
