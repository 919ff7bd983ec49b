# Sourced by the repo scripts: makes `pnpm` (the version in package.json's packageManager)
# available on a machine that has only Node and npm, without root and without corepack.
PNPM_VERSION=12.4.2
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  tools_dir="$(pwd)/.tools"
  if [ ! -x "$tools_dir/node_modules/.bin/pnpm" ] || [ "$("$tools_dir/node_modules/.bin/pnpm" --version)" != "$PNPM_VERSION" ]; then
    echo "==> installing pnpm $PNPM_VERSION into .tools/" >&2
    npm install --prefix "$tools_dir" --no-save --no-audit --no-fund --loglevel=error "pnpm@$PNPM_VERSION" >&2
  fi
  export PATH="$tools_dir/node_modules/.bin:$PATH"
fi
