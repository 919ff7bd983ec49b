/**
 * The public tracking endpoints. No session and no widget token: the signed token in the
 * path is the credential, and it names the one message (of one organization) it may act
 * on. Work runs confined to that organization (row-level security) as the `system` actor.
 *
 * - `GET /t/c/{token}`: records a click, then 302 to the decorated destination.
 * - `GET /t/o/{token}`: records an open, answers a 1×1 GIF that is never cached.
 * - `GET /t/u/{token}`: the preferences page (changes nothing).
 * - `POST /t/u/{token}`: one-click unsubscribe (RFC 8058), idempotent.
 *
 * A forged or malformed token is 404 and an expired one 410, with the usual JSON error
 * body, or a short page when a browser asks for HTML (a person opened the link); neither
 * writes anything.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { GreenTrackError, isGreenTrackError } from '../errors.js';
import type { ApiApp } from '../http/env.js';
import { errorResponse } from '../http/schemas.js';
import type { RouteContext } from '../module.js';
import { systemScope } from '../scope.js';
import { TrackingErrorCode } from './error-codes.js';
import { TRACKING_ERROR_STATUS } from './error-status.js';
import { errorPage, PAGE_HEADERS, preferencesPage } from './page.js';
import { readPreferences, recordClick, recordOpen, unsubscribe } from './service.js';
import { createTrackingTokens, type TrackingKind, type TrackingTokens } from './tokens.js';

/** Every path below the API's base that these routes serve; the token authenticates. */
export const TRACKING_PATH_PREFIX = '/t/';

const TokenParam = z.object({
  token: z
    .string()
    .min(1)
    .max(4096)
    .openapi({ param: { name: 'token', in: 'path' }, description: 'A signed tracking token' }),
});

/** The 1×1 transparent GIF (43 bytes). */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const NO_CACHE = {
  'cache-control': 'no-store, no-cache, must-revalidate, private',
  pragma: 'no-cache',
  expires: '0',
} as const;

const html = (description: string) => ({
  description,
  content: { 'text/html': { schema: { type: 'string' as const } } },
});

/** A JSON error, or a page for a browser that asks for HTML (`Accept: text/html`). */
const errorOrPage = (description: string) => {
  const json = errorResponse(description);
  return { description, content: { ...json.content, ...html(description).content } };
};

const tokenErrors = {
  404: errorOrPage('Malformed or forged token, or its message or link does not exist'),
  410: errorOrPage('The link has expired'),
  413: errorResponse('Request body too large'),
} as const;

/**
 * Runs `work`; a tracking error becomes a page when a person's browser made the request
 * (the link in a message was opened), the JSON error otherwise.
 */
async function forPeople(request: Request, work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    const code = isGreenTrackError(error) ? error.code : undefined;
    if (!request.headers.get('accept')?.includes('text/html') || !isTrackingCode(code)) throw error;
    const page = errorPage(code === TrackingErrorCode.TRACKING_TOKEN_EXPIRED);
    return new Response(page, { status: TRACKING_ERROR_STATUS[code], headers: PAGE_HEADERS });
  }
}

const isTrackingCode = (code: string | undefined): code is TrackingErrorCode =>
  code !== undefined && code in TRACKING_ERROR_STATUS;

export function registerTrackingRoutes(app: ApiApp, context: RouteContext): void {
  const { deps } = context;
  let tokens: TrackingTokens | undefined;
  /** Verifies `token` and returns its claims with a scope in the token's organization. */
  const verified = (token: string, kind: TrackingKind) => {
    try {
      if (!deps.signingKey) throw new Error('no signing key');
      tokens ??= createTrackingTokens(deps.signingKey, () => deps.clock.now());
    } catch {
      // Without a secret no link was ever signed, so no token can be valid.
      throw new GreenTrackError({
        code: TrackingErrorCode.TRACKING_TOKEN_INVALID,
        message: 'This link is not valid',
        details: { reason: 'tracking_disabled' },
      });
    }
    const claims = tokens.verify(token, kind);
    return { claims, scope: systemScope(deps, claims.organizationId) };
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/t/c/{token}',
      tags: ['Tracking'],
      summary: 'Click redirect: records a click, then redirects to the link’s destination',
      security: [],
      request: { params: TokenParam },
      responses: {
        302: { description: 'To the destination (with the campaign’s UTM parameters)' },
        ...tokenErrors,
      },
    }),
    (c) =>
      forPeople(c.req.raw, async () => {
        const { claims, scope } = verified(c.req.valid('param').token, 'click');
        const destination = await recordClick(scope, claims);
        // The token stays out of the destination's Referer.
        return c.body(null, 302, {
          location: destination,
          'cache-control': 'no-store',
          'referrer-policy': 'no-referrer',
        });
      }),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/t/o/{token}',
      tags: ['Tracking'],
      summary: 'Open pixel: records an open, answers a 1×1 GIF',
      security: [],
      request: { params: TokenParam },
      responses: {
        200: {
          description: 'A transparent 1×1 GIF',
          content: { 'image/gif': { schema: { type: 'string' as const, format: 'binary' } } },
        },
        ...tokenErrors,
      },
    }),
    async (c) => {
      const { claims, scope } = verified(c.req.valid('param').token, 'open');
      await recordOpen(scope, claims);
      return c.body(new Uint8Array(PIXEL), 200, { 'content-type': 'image/gif', ...NO_CACHE });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/t/u/{token}',
      tags: ['Tracking'],
      summary: 'Preferences page: the recipient’s status and an unsubscribe form (changes nothing)',
      security: [],
      request: { params: TokenParam },
      responses: { 200: html('The preferences page'), ...tokenErrors },
    }),
    (c) =>
      forPeople(c.req.raw, async () => {
        const { claims, scope } = verified(c.req.valid('param').token, 'unsubscribe');
        return c.body(preferencesPage(await readPreferences(scope, claims)), 200, PAGE_HEADERS);
      }),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/t/u/{token}',
      tags: ['Tracking'],
      summary: 'One-click unsubscribe (RFC 8058): body `List-Unsubscribe=One-Click`; idempotent',
      security: [],
      request: {
        params: TokenParam,
        // Plain OpenAPI: the body is read below, form-encoded or multipart as RFC 8058 allows.
        body: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                properties: { 'List-Unsubscribe': { type: 'string', enum: ['One-Click'] } },
                required: ['List-Unsubscribe'],
              },
            },
          },
        },
      },
      responses: {
        200: html('Unsubscribed (the page, showing the new status)'),
        400: errorResponse('The body is not `List-Unsubscribe=One-Click`'),
        ...tokenErrors,
      },
    }),
    (c) =>
      forPeople(c.req.raw, async () => {
        const { claims, scope } = verified(c.req.valid('param').token, 'unsubscribe');
        let form: FormData | undefined;
        try {
          form = await c.req.raw.formData();
        } catch {
          form = undefined;
        }
        if (form?.get('List-Unsubscribe') !== 'One-Click') {
          throw new GreenTrackError({
            code: TrackingErrorCode.TRACKING_UNSUBSCRIBE_BODY,
            message: 'Send the form field List-Unsubscribe=One-Click (RFC 8058)',
          });
        }
        return c.body(preferencesPage(await unsubscribe(scope, claims), true), 200, PAGE_HEADERS);
      }),
  );
}
