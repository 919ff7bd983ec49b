/**
 * Starts the Express example server.
 *
 *   PORT                 port to listen on (default 3000)
 *   GREENTRACK_DATA_DIR  embedded database directory, relative to the working directory
 *                        (default ./.greentrack/example)
 *   GREENTRACK_SECRET    signs widget tokens (≥ 32 characters); when unset, a random one is
 *                        generated per process and tokens do not survive a restart
 *   DATABASE_URL         use a Postgres server (with pgvector) instead of the embedded database
 *   GREENTRACK_PUBLIC_URL  where recipients reach this server, for the tracking and
 *                        unsubscribe links in campaign messages (default http://localhost:PORT)
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createGreenTrack } from '@greentrack/core';
import { API_BASE, createExampleApp } from './app.js';
import { ensureDemoData } from './demo-data.js';

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

let secret = process.env.GREENTRACK_SECRET;
if (!secret) {
  secret = randomBytes(32).toString('base64url');
  console.warn(
    'GREENTRACK_SECRET is not set: using a random secret for this process; widget tokens will not survive a restart.',
  );
}

const databaseUrl = process.env.DATABASE_URL;
const dataDir = resolve(process.cwd(), process.env.GREENTRACK_DATA_DIR ?? './.greentrack/example');

const gt = await createGreenTrack({
  database: databaseUrl ? { url: databaseUrl } : { dataDir },
  secret,
  // Campaign messages (to the outbox here) carry working signed links to this server.
  tracking: { baseUrl: process.env.GREENTRACK_PUBLIC_URL ?? `http://localhost:${port}` },
  // The host's own authentication of API calls (its session cookie, API key, ...). This
  // example has no user accounts, so it accepts nobody: every API call must carry a widget
  // token (`Authorization: Bearer ...`, see POST /demo/token). A real host maps its session
  // to `{ userId, organizationId }` here.
  authenticate: () => null,
});

try {
  const { applied } = await gt.migrate();
  console.log(
    applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Migrations: up to date',
  );
  const { organization } = await ensureDemoData(gt);
  console.log(`Database: ${gt.dialect}${databaseUrl ? '' : ` (${dataDir})`}`);
  console.log(`Demo organization: ${organization.name} (${organization.id})`);
} catch (error) {
  await gt.close();
  throw error;
}

const server = createExampleApp({ gt }).listen(port);
server.on('listening', () => {
  const { port: actual } = server.address() as AddressInfo;
  console.log(`GreenTrack Express example listening on http://localhost:${actual}`);
  console.log(`  API: http://localhost:${actual}${API_BASE}/health`);
});
server.on('error', async (error) => {
  console.error(`Server error: ${error.message}`);
  await gt.close();
  process.exit(1);
});

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    console.log(`${signal} again: exiting now`);
    process.exit(1);
  }
  stopping = true;
  console.log(`${signal}: shutting down`);
  // Bounded: a client holding a connection open must not keep the process alive.
  const force = setTimeout(() => {
    console.error('Shutdown took over 10 s: exiting');
    process.exit(1);
  }, 10_000);
  force.unref();
  await new Promise<void>((done) => {
    server.close(() => done());
    server.closeIdleConnections();
  });
  await gt.close();
  console.log('Stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
