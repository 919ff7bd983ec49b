/** HTTP route of the holdout comparison. */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../../http/env.js';
import { jsonify } from '../../http/json.js';
import { commonErrorResponses, IdParam, jsonResponse } from '../../http/schemas.js';
import type { CampaignsFacade } from '../facade.js';
import { holdoutComparisonOutSchema, holdoutQuerySchema } from './schema.js';

export function registerHoldoutRoutes(app: ApiApp<CampaignsFacade>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/campaigns/{id}/holdout',
      tags: ['Campaigns'],
      summary:
        'Treated vs holdout: conversion rate and revenue per recipient, their differences with 95 % intervals, incremental conversions and revenue',
      request: { params: IdParam, query: holdoutQuerySchema },
      responses: {
        200: jsonResponse(holdoutComparisonOutSchema, 'The comparison'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(
        jsonify(
          await c.get('tenant').campaigns.holdout(c.req.valid('param').id, c.req.valid('query')),
        ),
        200,
      ),
  );
}
