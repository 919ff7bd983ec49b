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
# core and widgets: the page bundles the widgets' built package. Rebuilt only when a file of
# theirs (or the lockfile) changed since the last demo build, so a second run starts at once.
stamp=.greentrack/demo-build.stamp
changed=yes
if [[ -f $stamp ]]; then
  changed=$(find packages/core packages/widgets pnpm-lock.yaml -newer "$stamp" \
    -not -path '*/node_modules/*' -not -path '*/dist/*' -not -name 'custom-elements.json' \
    -type f -print -quit)
fi
if [[ -n $changed || ! -f packages/core/dist/index.js || ! -f packages/widgets/dist/index.js ]]; then
  pnpm --filter @greentrack/core --filter @greentrack/widgets build
  mkdir -p .greentrack && touch "$stamp"
fi
pnpm --filter @greentrack/example-express demo "$@"
