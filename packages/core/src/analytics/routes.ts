/**
 * HTTP routes of the analytics module: `POST /events` (what the browser helper of
 * `@greentrack/core/client` posts) and `GET /events`.
 */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import { jsonify } from '../http/json.js';
import { commonErrorResponses, jsonBody, jsonResponse } from '../http/schemas.js';
import type { AnalyticsFacade } from './facade.js';
import {
  eventListQuerySchema,
  eventPageSchema,
  trackBatchSchema,
  trackResultSchema,
} from './schema.js';

export function registerAnalyticsRoutes(app: ApiApp<AnalyticsFacade>): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/events',
      tags: ['Analytics'],
      summary: 'Record a batch of up to 1,000 analytics events, all or nothing',
      description:
        'A bad event fails the batch with 400 naming its index (`events.3.occurred_at`); a `customer_id` that is not the organization’s fails it with 404 (`details.indexes`). A widget token needs the `event.track` scope.',
      request: { body: jsonBody(trackBatchSchema) },
      responses: {
        201: jsonResponse(trackResultSchema, 'The recorded events’ ids, in the order sent'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(await c.get('tenant').events.track(c.req.valid('json').events), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/events',
      tags: ['Analytics'],
      summary: 'List analytics events, newest first (filters: customer, name, since)',
      request: { query: eventListQuerySchema },
      responses: { 200: jsonResponse(eventPageSchema, 'One page'), ...commonErrorResponses },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').events.list(c.req.valid('query'))), 200),
  );
}
