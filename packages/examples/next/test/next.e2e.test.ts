/**
 * End to end: `next build`, then `next start` on a free port with a fresh embedded database,
 * and the GreenTrack route handler called over HTTP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
const SECRET = 'example-next-e2e-secret-0123456789abcdefgh';
const BUILD_TIMEOUT_MS = 240_000;
const STARTUP_TIMEOUT_MS = 60_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;

interface ErrorBody {
  error: { code: string; message: string };
}

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  // Always the embedded database here, and no NODE_ENV: vitest sets 'test', next sets its own.
  // (Reflect: next's types declare NODE_ENV read-only.)
  Reflect.deleteProperty(env, 'DATABASE_URL');
  Reflect.deleteProperty(env, 'NODE_ENV');
  return env;
}

function run(args: string[], env: NodeJS.ProcessEnv): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [nextBin, ...args], {
    cwd: appDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return Object.assign(child, { output: () => output });
}

function exited(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}

/** Sends SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
async function stop(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

describe('Next.js example (next build + next start)', () => {
  let server: ReturnType<typeof run> | undefined;
  let dataDir: string;
  let base: string;

  beforeAll(
    async () => {
      const started = Date.now();
      const build = run(['build'], baseEnv());
      const timer = setTimeout(() => build.kill('SIGKILL'), BUILD_TIMEOUT_MS);
      const code = await exited(build);
      clearTimeout(timer);
      if (code !== 0) throw new Error(`next build failed (${code}):\n${build.output()}`);
      console.log(`next build: ${((Date.now() - started) / 1000).toFixed(1)} s`);

      dataDir = await mkdtemp(join(tmpdir(), 'gt-example-next-'));
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      server = run(['start', '-p', String(port), '-H', '127.0.0.1'], {
        ...baseEnv(),
        GREENTRACK_DATA_DIR: dataDir,
        GREENTRACK_SECRET: SECRET,
      });
      const deadline = Date.now() + STARTUP_TIMEOUT_MS;
      for (;;) {
        if (server.exitCode !== null || server.signalCode !== null)
          throw new Error(`next start exited:\n${server.output()}`);
        try {
          // The first API request also opens and migrates the database.
          const res = await fetch(`${base}/api/greentrack/health`, {
            signal: AbortSignal.timeout(30_000),
          });
          if (res.ok) break;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline)
          throw new Error(`next start not up after ${STARTUP_TIMEOUT_MS} ms:\n${server.output()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    BUILD_TIMEOUT_MS + STARTUP_TIMEOUT_MS + 10_000,
  );

  afterAll(async () => {
    if (server) await stop(server, SHUTDOWN_TIMEOUT_MS);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, SHUTDOWN_TIMEOUT_MS + 5_000);

  it('serves the static home page', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('GreenTrack Next.js example');
    expect(html).toContain('href="/api/greentrack/openapi.json"');
  });

  it('GET /api/greentrack/health → 200 ok', async () => {
    const res = await fetch(`${base}/api/greentrack/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /api/greentrack/openapi.json → OpenAPI 3.1', async () => {
    const res = await fetch(`${base}/api/greentrack/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/greentrack/organization');
  });

  it('401 JSON without a token', async () => {
    const res = await fetch(`${base}/api/greentrack/organization`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(((await res.json()) as ErrorBody).error.code).toBe('UNAUTHENTICATED');
  });

  it('with a demo token: the demo organization; malformed JSON → 400', async () => {
    const minted = await fetch(`${base}/api/demo/token`, { method: 'POST' });
    expect(minted.status).toBe(200);
    const { token, organizationId } = (await minted.json()) as {
      token: string;
      organizationId: string;
    };
    const headers = { authorization: `Bearer ${token}` };

    const res = await fetch(`${base}/api/greentrack/organization`, { headers });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: organizationId, name: 'Demo Bakery' });

    const bad = await fetch(`${base}/api/greentrack/organization`, {
      method: 'PATCH',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.code).toBe('VALIDATION_FAILED');

    const renamed = await fetch(`${base}/api/greentrack/organization`, {
      method: 'PATCH',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bäckerei 🍞' }),
    });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: 'Bäckerei 🍞' });
  });
});
