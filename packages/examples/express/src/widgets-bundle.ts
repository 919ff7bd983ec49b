/**
 * The demo page's JavaScript: `browser/widgets.ts` (the `@greentrack/widgets` elements and
 * the token renewal) bundled by esbuild into one ES module, built on first request and kept
 * in memory for the life of the process (~0.2 s; no file to go stale after a widgets build).
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const entry = fileURLToPath(new URL('./browser/widgets.ts', import.meta.url));

let bundle: Promise<string> | undefined;

/** The bundled script (built once per process; a failed build is retried next time). */
export function widgetsBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  })
    .then((result) => result.outputFiles[0]?.text ?? '')
    .catch((error: unknown) => {
      bundle = undefined;
      throw error;
    });
  return bundle;
}
