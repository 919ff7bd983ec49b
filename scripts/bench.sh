#!/usr/bin/env bash
# `pnpm bench [name-prefix ...]`: core's benchmarks, then the adapters' (the invoice sync
# needs an adapter, which core's benches may not import). Both merge their figures into
# bench-results.json at the repo root; each skips benchmarks the prefixes do not select.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm --filter @greentrack/core bench "$@"
pnpm --filter @greentrack/adapters bench "$@"
