/**
 * HTTP routes of the consent module: a customer's consent per channel, and the
 * organization's consent policy.
 */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import { jsonify } from '../http/json.js';
import { commonErrorResponses, IdParam, jsonBody, jsonResponse } from '../http/schemas.js';
import type { ConsentFacade } from './facade.js';
import {
  consentChannelParams,
  consentPolicySchema,
  consentPolicyUpdateSchema,
  consentSetBodySchema,
  customerConsentSchema,
} from './schema.js';

export function registerConsentRoutes(app: ApiApp<ConsentFacade>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/customers/{id}/consent',
      tags: ['Consent'],
      summary: "A customer's consent per channel, with whether a campaign may send now",
      request: { params: IdParam },
      responses: {
        200: jsonResponse(customerConsentSchema, 'The consent'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').consent.get(c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/customers/{id}/consent/{channel}',
      tags: ['Consent'],
      summary:
        'Record a customer’s status on one channel (audited; setting the same status is a no-op)',
      request: { params: consentChannelParams, body: jsonBody(consentSetBodySchema) },
      responses: {
        200: jsonResponse(customerConsentSchema, 'The consent after the change'),
        ...commonErrorResponses,
      },
    }),
    async (c) => {
      const { id, channel } = c.req.valid('param');
      const { status, source } = c.req.valid('json');
      const consent = await c.get('tenant').consent.set(id, channel, status, { source });
      return c.json(jsonify(consent), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/settings/consent-policy',
      tags: ['Consent'],
      summary: 'The organization’s consent mode per channel (opt_in / opt_out)',
      responses: { 200: jsonResponse(consentPolicySchema, 'The policy'), ...commonErrorResponses },
    }),
    async (c) => c.json(await c.get('tenant').consent.policy.get(), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/settings/consent-policy',
      tags: ['Consent'],
      summary: 'Change the consent mode of some channels (admin+; audited)',
      request: { body: jsonBody(consentPolicyUpdateSchema) },
      responses: { 200: jsonResponse(consentPolicySchema, 'The policy'), ...commonErrorResponses },
    }),
    async (c) => c.json(await c.get('tenant').consent.policy.set(c.req.valid('json')), 200),
  );
}
