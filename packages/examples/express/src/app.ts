/**
 * The Express host app: GreenTrack's HTTP API under `/api/greentrack`, a host page, and a
 * demo-only token endpoint.
 *
 * What a real host does differently: it issues widget tokens (or authenticates API calls
 * through `authenticate`) from its own signed-in session, never from an open endpoint.
 */
import { type GreenTrack, toNodeHandler } from '@greentrack/core';
import express from 'express';
import { type DemoData, ensureDemoData } from './demo-data.js';

export const API_BASE = '/api/greentrack';

export interface ExampleAppOptions {
  gt: GreenTrack;
}

/** Lifetime of a demo widget token, in seconds (15 minutes). */
const DEMO_TOKEN_TTL_SECONDS = 900;

const hostPage = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>GreenTrack Express example</title>
  </head>
  <body>
    <h1>GreenTrack Express example</h1>
    <p>This Express 5 app hosts the GreenTrack API under <code>${API_BASE}</code>.</p>
    <ul>
      <li><a href="${API_BASE}/health">${API_BASE}/health</a> (liveness, no authentication)</li>
      <li><a href="${API_BASE}/openapi.json">${API_BASE}/openapi.json</a> (OpenAPI 3.1 document)</li>
    </ul>
    <p>
      Every other API route needs a widget token: <code>POST /demo/token</code> mints one for the
      demo owner (demo only), then send it as <code>Authorization: Bearer &lt;token&gt;</code>.
    </p>
  </body>
</html>
`;

/** Builds the Express app around a (migrated) GreenTrack instance. */
export function createExampleApp(options: ExampleAppOptions): express.Express {
  const { gt } = options;
  const app = express();
  app.disable('x-powered-by');

  // The API first, BEFORE any body parser: GreenTrack reads the request stream itself, and
  // webhook signatures are checked over the exact raw bytes, which a JSON parser would consume.
  // (A host that must parse first keeps the bytes: express.json({ verify: (req, _res, buf) => {
  // req.rawBody = buf } }) — toNodeHandler then uses req.rawBody.)
  app.use(API_BASE, toNodeHandler(gt));

  // The host's own routes may use a body parser; it is registered after the API on purpose.
  app.use(express.json({ limit: '100kb' }));

  app.get('/', (_req, res) => {
    res.type('html').send(hostPage);
  });

  // DEMO ONLY: anyone who can reach this endpoint gets an owner token for the demo
  // organization. A real host mints tokens inside its own authenticated session, for the
  // signed-in user, e.g. `gt.tokens.issue({ userId: session.userId, organizationId, ... })`.
  let demo: Promise<DemoData> | undefined;
  app.post('/demo/token', async (_req, res) => {
    demo ??= ensureDemoData(gt).catch((error: unknown) => {
      demo = undefined; // retry on the next request
      throw error;
    });
    const { owner, organization } = await demo;
    const token = gt.tokens.issue({
      userId: owner.id,
      organizationId: organization.id,
      ttlSeconds: DEMO_TOKEN_TTL_SECONDS,
    });
    res.json({
      token,
      userId: owner.id,
      organizationId: organization.id,
      expiresAt: new Date(Date.now() + DEMO_TOKEN_TTL_SECONDS * 1000).toISOString(),
    });
  });

  return app;
}
