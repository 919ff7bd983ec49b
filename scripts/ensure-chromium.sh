#!/usr/bin/env bash
# Installs Debian's Chromium for the widget tests (real browser, no browser download).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/as-root.sh
source scripts/lib/as-root.sh
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "==> installing Debian chromium for the widget tests" >&2
export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -qq >&2
as_root apt-get install -y -qq chromium >&2
