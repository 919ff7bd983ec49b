/**
 * End to end: starts the real server process (`src/start.ts`) on a free port with a fresh
 * embedded database, and talks to it over HTTP as a browser or widget would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECRET = 'example-express-e2e-secret-0123456789abcdef';
const STARTUP_TIMEOUT_MS = 60_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;

interface ErrorBody {
  error: { code: string; message: string };
}

/** A port that was free a moment ago (the OS picks it; the server then binds it). */
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

/** Sends SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
async function stop(child: ChildProcess, graceMs: number): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null)
    return child.exitCode ?? child.signalCode;
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

describe('Express example server (real process)', () => {
  let child: ChildProcess;
  let dataDir: string;
  let base: string;
  let output = '';
  let token: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gt-example-express-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      GREENTRACK_DATA_DIR: dataDir,
      GREENTRACK_SECRET: SECRET,
    };
    delete env.DATABASE_URL; // always the embedded database here
    child = spawn(process.execPath, ['--import', 'tsx', 'src/start.ts'], {
      cwd: packageDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });

    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`server exited during startup:\n${output}`);
      try {
        const res = await fetch(`${base}/api/greentrack/health`, {
          signal: AbortSignal.timeout(2000),
        });
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline)
        throw new Error(`server not up after ${STARTUP_TIMEOUT_MS} ms:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, STARTUP_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    if (child) {
      const result = await stop(child, SHUTDOWN_TIMEOUT_MS);
      // A graceful shutdown exits 0 after closing the server and the database.
      expect(result).toBe(0);
      expect(output).toContain('Stopped');
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, SHUTDOWN_TIMEOUT_MS + 5_000);

  const api = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (typeof init.body === 'string') headers.set('content-type', 'application/json');
    return fetch(`${base}/api/greentrack${path}`, { ...init, headers });
  };

  it('logs where it listens and serves the host page', async () => {
    expect(output).toContain(`listening on http://localhost:${new URL(base).port}`);
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('GreenTrack Express example');
  });

  it('health is public', async () => {
    const res = await fetch(`${base}/api/greentrack/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('the API requires a token (401 JSON)', async () => {
    const res = await fetch(`${base}/api/greentrack/organization`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(((await res.json()) as ErrorBody).error.code).toBe('UNAUTHENTICATED');
  });

  it('POST /demo/token mints a widget token for the demo owner', async () => {
    const res = await fetch(`${base}/demo/token`, { method: 'POST' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; organizationId: string };
    expect(body.token).toMatch(/^gt1\./);
    token = body.token;
  });

  it('with the token: me, organization, rename, memberships, audit log', async () => {
    const me = await api('/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      user: { email: 'owner@demo.greentrack.dev' },
      organization: { role: 'owner' },
    });

    const organization = await api('/organization');
    expect(organization.status).toBe(200);
    expect(await organization.json()).toMatchObject({ name: 'Demo Bakery' });

    const renamed = await api('/organization', {
      method: 'PATCH',
      body: JSON.stringify({ name: 'Demo Bakery & Café' }),
    });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: 'Demo Bakery & Café' });

    const memberships = await api('/memberships');
    expect(memberships.status).toBe(200);
    const { items } = (await memberships.json()) as { items: Array<{ role: string }> };
    expect(items.map((m) => m.role)).toEqual(['owner']);

    const audit = await api('/audit-log?entity=organization&limit=10');
    expect(audit.status).toBe(200);
    const page = (await audit.json()) as {
      items: Array<{ action: string; after: { name?: string } | null }>;
    };
    const update = page.items.find((i) => i.action === 'organization.update');
    expect(update?.after).toMatchObject({ name: 'Demo Bakery & Café' });
  });

  // Regression (issue 8, finding 13): Express's default error page answered these, with
  // the stack trace and absolute paths of the server.
  it('host routes answer a bad JSON body and an oversized body in the JSON error shape', async () => {
    const bad = await fetch(`${base}/demo/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"secret": oops',
    });
    const badText = await bad.text();
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/json/);
    expect(JSON.parse(badText)).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const large = await fetch(`${base}/demo/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(200 * 1024) }),
    });
    const largeText = await large.text();
    expect(large.status).toBe(413);
    expect(JSON.parse(largeText)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    for (const text of [badText, largeText]) {
      expect(text).not.toContain(packageDir);
      expect(text).not.toMatch(/\bat \S+ \(|node_modules|oops/);
    }
  });

  it('400 for malformed JSON', async () => {
    const res = await api('/organization', { method: 'PATCH', body: '{"name": ' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.code).toBe('VALIDATION_FAILED');
  });

  it('413 for a body over 1 MiB', async () => {
    const res = await api('/organization', {
      method: 'PATCH',
      body: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 1) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorBody).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('serves the OpenAPI 3.1 document', async () => {
    const res = await fetch(`${base}/api/greentrack/openapi.json`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });
});
