/**
 * HTTP routes of the webhooks module.
 *
 * - `POST /webhooks/{provider}/{integrationAccountId}`: public (no bearer token); the
 *   provider's signature, checked by its `WebhookSource` with the account's secret, is the
 *   credential. 401 `WEBHOOK_UNVERIFIED` with nothing stored when it fails; 404
 *   `WEBHOOK_PROVIDER_NOT_CONFIGURED` when no source is configured for the provider; the
 *   source's acknowledgement once the row is committed (even if processing it failed).
 * - `GET /webhooks/inbound`, `GET /webhooks/inbound/{id}`, `POST /webhooks/inbound/{id}/replay`,
 *   `POST /webhooks/reprocess`, `GET /webhooks/stats`: the organization's stored webhooks
 *   (admin+), under paths the public route's `{provider}` can never match.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import { jsonify } from '../http/json.js';
import { remoteAddressOf } from '../http/remote-address.js';
import {
  commonErrorResponses,
  errorResponse,
  IdParam,
  jsonBody,
  jsonResponse,
} from '../http/schemas.js';
import type { RouteContext } from '../module.js';
import type { InboundWebhookRequest, WebhookProvider } from '../providers/webhooks.js';
import type { WebhooksFacade } from './facade.js';
import { webhookRuntime } from './options.js';
import { receiveWebhook } from './receive.js';
import {
  webhookListQuerySchema,
  webhookOutSchema,
  webhookPageOutSchema,
  webhookReprocessOutSchema,
  webhookReprocessSchema,
  webhookStatsOutSchema,
} from './schema.js';

const WEBHOOK_PROVIDERS = [
  'sendgrid',
  'postmark',
  'twilio',
  'stripe',
  'zeroinvoice',
] as const satisfies readonly WebhookProvider[];

/** The public route's paths: one prefix per provider, so `/webhooks/inbound` stays authenticated. */
export const WEBHOOK_PUBLIC_PREFIXES = WEBHOOK_PROVIDERS.map((p) => `/webhooks/${p}/`);

const ReceiveParams = z.object({
  provider: z
    .enum(WEBHOOK_PROVIDERS)
    .openapi({ param: { name: 'provider', in: 'path' }, description: 'Who posts' }),
  // Not declared `format: uuid`: any other value is answered like an unknown account (401),
  // never as a validation error that would tell a prober which ids are well-formed.
  integrationAccountId: z
    .string()
    .max(100)
    .openapi({
      param: { name: 'integrationAccountId', in: 'path' },
      description: 'The id of the integration account whose secret signs the requests',
    }),
});

/** The request as the source verifies it: exact bytes, lower-case headers, the public URL. */
async function inboundRequest(
  raw: Request,
  publicUrl: string,
  receivedAt: Date,
): Promise<InboundWebhookRequest> {
  const remoteAddress = remoteAddressOf(raw);
  return {
    url: publicUrl,
    method: raw.method,
    headers: Object.fromEntries(raw.headers),
    rawBody: new Uint8Array(await raw.arrayBuffer()),
    ...(remoteAddress !== undefined && { remoteAddress }),
    receivedAt,
  };
}

export function registerWebhookRoutes(app: ApiApp<WebhooksFacade>, context: RouteContext): void {
  const { deps } = context;
  app.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks/{provider}/{integrationAccountId}',
      tags: ['Webhooks'],
      summary: 'Receive a provider webhook: verified, stored, then processed (signature only)',
      security: [],
      request: {
        params: ReceiveParams,
        // The raw bytes are what the provider signed: read as they came, in any format.
        body: {
          required: true,
          content: {
            'application/json': { schema: {} },
            'application/x-www-form-urlencoded': { schema: {} },
          },
        },
      },
      responses: {
        200: {
          description: 'Stored (the source’s acknowledgement: JSON, or TwiML for Twilio)',
          content: {
            'application/json': { schema: z.object({ received: z.boolean() }) },
            'text/xml': { schema: z.string() },
          },
        },
        401: errorResponse(
          'Not verified (unknown or disabled account, bad signature): nothing stored',
        ),
        404: errorResponse('No webhook source is configured for this provider'),
        413: errorResponse('Request body too large'),
      },
    }),
    async (c) => {
      const { provider, integrationAccountId } = c.req.valid('param');
      const url = new URL(c.req.url);
      const base = webhookRuntime(deps).options.publicBaseUrl;
      const publicUrl = base
        ? `${base}/webhooks/${provider}/${integrationAccountId}${url.search}`
        : url.href;
      const request = await inboundRequest(c.req.raw, publicUrl, deps.clock.now());
      const ack = await receiveWebhook(deps, provider, integrationAccountId, request);
      return c.body(ack.body, ack.status as 200, { 'content-type': ack.contentType });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks/inbound',
      tags: ['Webhooks'],
      summary: 'Stored webhooks, newest first, with cursor pagination (admin+)',
      request: { query: webhookListQuerySchema },
      responses: {
        200: jsonResponse(webhookPageOutSchema, 'One page'),
        ...commonErrorResponses,
      },
    }),
    async (c) => {
      const page = await c.get('tenant').webhooks.list(c.req.valid('query'));
      return c.json({ items: jsonify(page.items), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks/inbound/{id}',
      tags: ['Webhooks'],
      summary: 'One stored webhook with its headers (secrets redacted) and payload (admin+)',
      request: { params: IdParam },
      responses: {
        200: jsonResponse(webhookOutSchema, 'The webhook'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').webhooks.get(c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks/inbound/{id}/replay',
      tags: ['Webhooks'],
      summary: 'Process one stored webhook again, whatever its status (admin+)',
      request: { params: IdParam },
      responses: {
        200: jsonResponse(webhookOutSchema, 'The webhook after the run'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(jsonify(await c.get('tenant').webhooks.replay(c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks/reprocess',
      tags: ['Webhooks'],
      summary: 'Queue failed webhooks again for the worker (admin+)',
      request: { body: jsonBody(webhookReprocessSchema) },
      responses: {
        200: jsonResponse(webhookReprocessOutSchema, 'How many were queued'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(await c.get('tenant').webhooks.reprocess(c.req.valid('json')), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks/stats',
      tags: ['Webhooks'],
      summary: 'Stored webhooks by status, verification failures per account (admin+)',
      responses: {
        200: jsonResponse(webhookStatsOutSchema, 'Counts'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').webhooks.stats()), 200),
  );
}
