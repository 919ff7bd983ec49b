/**
 * The process-wide GreenTrack instance of this Next.js app (server-only).
 *
 *   GREENTRACK_DATA_DIR  embedded database directory, relative to the working directory
 *                        (default ./.greentrack/next)
 *   GREENTRACK_SECRET    signs widget tokens (≥ 32 characters); when unset, a random one is
 *                        generated per process and tokens do not survive a restart
 *   DATABASE_URL         use a Postgres server (with pgvector) instead of the embedded database
 *
 * The promise is cached on `globalThis`, not in a module variable: `next dev` re-evaluates
 * modules on every hot reload, and a second PGlite on the same data directory would fail.
 *
 * It is opened on first use (the first request), never at import: `next build` imports every
 * route module while "collecting page data", and a module-level `getGreenTrack()` would open
 * (and migrate) the database during the build.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createGreenTrack, type GreenTrack } from '@greentrack/core';
import { type DemoData, ensureDemoData } from './demo-data';

interface Instance {
  gt: GreenTrack;
  demo: DemoData;
}

const globalKey = Symbol.for('greentrack.example-next.instance');
const store = globalThis as typeof globalThis & { [globalKey]?: Promise<Instance> };

async function open(): Promise<Instance> {
  let secret = process.env.GREENTRACK_SECRET;
  if (!secret) {
    secret = randomBytes(32).toString('base64url');
    console.warn(
      'GREENTRACK_SECRET is not set: using a random secret for this process; widget tokens will not survive a restart.',
    );
  }
  const url = process.env.DATABASE_URL;
  const dataDir = resolve(
    /*turbopackIgnore: true*/ process.cwd(),
    process.env.GREENTRACK_DATA_DIR ?? './.greentrack/next',
  );
  const gt = await createGreenTrack({
    database: url ? { url } : { dataDir },
    secret,
    // The host's own authentication of API calls (session cookie, API key, ...). This example
    // has no user accounts, so it accepts nobody: every API call must carry a widget token
    // (`Authorization: Bearer ...`, see POST /api/demo/token). A real host maps its session to
    // `{ userId, organizationId }` here.
    authenticate: () => null,
  });
  try {
    await gt.migrate();
    return { gt, demo: await ensureDemoData(gt) };
  } catch (error) {
    await gt.close();
    throw error;
  }
}

function instance(): Promise<Instance> {
  let pending = store[globalKey];
  if (!pending) {
    pending = open();
    store[globalKey] = pending;
    // A failed start is not cached: the next request tries again.
    pending.catch(() => {
      if (store[globalKey] === pending) delete store[globalKey];
    });
  }
  return pending;
}

/** The migrated GreenTrack instance (opened on first call, then shared). */
export async function getGreenTrack(): Promise<GreenTrack> {
  return (await instance()).gt;
}

/** The demo owner and organization (created on first start). */
export async function getDemoData(): Promise<DemoData> {
  return (await instance()).demo;
}
