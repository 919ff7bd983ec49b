/** HTTP routes of the attribution module: credits, recompute, settings. */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import { jsonify } from '../http/json.js';
import { commonErrorResponses, jsonBody, jsonResponse } from '../http/schemas.js';
import type { AttributionFacade } from './facade.js';
import {
  attributionListQuerySchema,
  attributionPageSchema,
  attributionSettingsOutSchema,
  attributionSettingsUpdateSchema,
  recomputeInputSchema,
  recomputeResultSchema,
} from './schema.js';

export function registerAttributionRoutes(app: ApiApp<AttributionFacade>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/attribution',
      tags: ['Attribution'],
      summary:
        'List credits of conversions to touches, newest first (filters: event, campaign, model)',
      request: { query: attributionListQuerySchema },
      responses: { 200: jsonResponse(attributionPageSchema, 'One page'), ...commonErrorResponses },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').attribution.list(c.req.valid('query'))), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/attribution/recompute',
      tags: ['Attribution'],
      summary: 'Rebuild the credits of a window of conversions (admin+; audited)',
      request: { body: jsonBody(recomputeInputSchema) },
      responses: {
        200: jsonResponse(recomputeResultSchema, 'What was rebuilt'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(await c.get('tenant').attribution.recompute(c.req.valid('json')), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/settings/attribution',
      tags: ['Settings'],
      summary: 'The attribution settings (touches, lookback windows, half-life, conversions)',
      responses: {
        200: jsonResponse(attributionSettingsOutSchema, 'The settings'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(await c.get('tenant').settings.attribution.get(), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/settings/attribution',
      tags: ['Settings'],
      summary: 'Change attribution settings (admin+; audited); past credits are not recomputed',
      request: { body: jsonBody(attributionSettingsUpdateSchema) },
      responses: {
        200: jsonResponse(attributionSettingsOutSchema, 'The settings after the change'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(await c.get('tenant').settings.attribution.set(c.req.valid('json')), 200),
  );
}
