#!/usr/bin/env node
/**
 * The `greentrack` bin (see `run-cli.ts` for the commands). This file is only ever run, never
 * imported, so it runs unconditionally: no "is this the main module?" check. Such a check
 * compared `import.meta.url` with `process.argv[1]`, which is the `node_modules/.bin` symlink
 * when npm installs the package, and `npx greentrack …` silently did nothing (issue 8).
 */
import { toGreenTrackError } from './errors.js';
import { runCli } from './run-cli.js';

runCli(process.argv.slice(2), process.env, (line) => console.log(line)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const e = toGreenTrackError(error);
    console.error(
      `greentrack: ${e.code}: ${e.code === 'INTERNAL' && error instanceof Error ? error.message : e.message}`,
    );
    process.exitCode = 1;
  },
);
