/**
 * The Express host app: GreenTrack's HTTP API under `/api/greentrack`, a host page with the
 * segment builder and the customer list, and a demo-only token endpoint.
 *
 * What a real host does differently: it issues widget tokens (or authenticates API calls
 * through `authenticate`) from its own signed-in session, never from an open endpoint.
 */
import { type GreenTrack, toNodeHandler } from '@greentrack/core';
import express from 'express';
import { type DemoData, ensureDemoData } from './demo-data.js';
import { widgetsBundle } from './widgets-bundle.js';

export const API_BASE = '/api/greentrack';

export interface ExampleAppOptions {
  gt: GreenTrack;
}

/** Lifetime of a demo widget token, in seconds (15 minutes). */
const DEMO_TOKEN_TTL_SECONDS = 900;

/** Where the page loads the widgets from (see `widgets-bundle.ts`). */
const WIDGETS_SCRIPT = '/assets/greentrack-widgets.js';

/** `&`, `<`, `>` and `"` as entities, for text and attribute values of the page. */
function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c,
  );
}

/**
 * The host page: the segment builder and the customer list inside a provider configured
 * with a widget token minted for this page view (renewed by `browser/widgets.ts` when it
 * expires), then links to the API.
 */
function hostPage(organizationName: string, token: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>GreenTrack Express example</title>
    <style>
      body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; line-height: 1.5; }
      .widgets { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 2rem; align-items: start; }
    </style>
    <script type="module" src="${WIDGETS_SCRIPT}"></script>
  </head>
  <body>
    <h1>GreenTrack Express example</h1>
    <p>Organization <strong>${escapeHtml(organizationName)}</strong>, through the GreenTrack widgets.</p>
    <gt-provider api-base="${API_BASE}" token="${escapeHtml(token)}">
      <div class="widgets">
        <section aria-labelledby="segment-heading">
          <h2 id="segment-heading">Segment builder</h2>
          <gt-segment-builder></gt-segment-builder>
        </section>
        <section aria-labelledby="customers-heading">
          <h2 id="customers-heading">Customers</h2>
          <gt-customer-list page-size="20"></gt-customer-list>
        </section>
      </div>
    </gt-provider>
    <h2>API</h2>
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
}

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

  // DEMO ONLY: the page and `POST /demo/token` hand anyone who can reach them an owner token
  // for the demo organization. A real host mints tokens inside its own authenticated session,
  // for the signed-in user, e.g. `gt.tokens.issue({ userId: session.userId, organizationId, ... })`.
  let demo: Promise<DemoData> | undefined;
  const demoToken = async () => {
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
    return { token, owner, organization };
  };

  app.get('/', async (_req, res) => {
    const { token, organization } = await demoToken();
    // The page holds a token: never cached, by the browser or anything in between.
    res.set('cache-control', 'no-store').type('html').send(hostPage(organization.name, token));
  });

  app.get(WIDGETS_SCRIPT, async (_req, res) => {
    res.type('text/javascript').send(await widgetsBundle());
  });

  app.post('/demo/token', async (_req, res) => {
    const { token, owner, organization } = await demoToken();
    res.json({
      token,
      userId: owner.id,
      organizationId: organization.id,
      expiresAt: new Date(Date.now() + DEMO_TOKEN_TTL_SECONDS * 1000).toISOString(),
    });
  });

  // Last: errors of the host's own routes get the API's JSON shape, never Express's page.
  app.use(jsonErrorHandler);

  return app;
}

/** Express's body-parser errors carry the status they want (400 bad JSON, 413 too large). */
function statusOf(error: unknown): number {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

/**
 * Answers errors of the host's own routes (a malformed JSON body, a body over the parser's
 * `limit`, a throwing handler) as `{ error: { code, message, details } }`, the shape the
 * GreenTrack API uses. Without it Express answers with its default HTML page, which
 * (outside `NODE_ENV=production`) shows the stack trace with absolute file paths. Messages
 * are fixed: the parser's own quote the body. A host copies this handler as it is.
 */
const jsonErrorHandler: express.ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const status = statusOf(error);
  const [code, message] =
    status === 400
      ? ['VALIDATION_FAILED', 'Malformed request body']
      : status === 413
        ? ['PAYLOAD_TOO_LARGE', 'Request body too large']
        : status < 500
          ? ['BAD_REQUEST', 'Bad request']
          : ['INTERNAL', 'Internal error'];
  if (status >= 500) console.error('[greentrack example] unhandled error', error);
  // The parser stopped reading a refused body: discard the rest, so the client can finish
  // sending and read this answer, and the connection can serve its next request.
  if (!req.complete) req.resume();
  res.status(status).json({ error: { code, message, details: { status } } });
};
