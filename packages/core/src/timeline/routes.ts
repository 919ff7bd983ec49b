/**
 * HTTP route of the timeline module: `GET /customers/{id}/timeline` (staff+).
 */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import { jsonify } from '../http/json.js';
import { commonErrorResponses, IdParam, jsonResponse } from '../http/schemas.js';
import type { TimelineFacade } from './facade.js';
import { timelinePageSchema, timelineQuerySchema } from './schema.js';

export function registerTimelineRoutes(app: ApiApp<TimelineFacade>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/customers/{id}/timeline',
      tags: ['Customers'],
      summary:
        "One customer's messages, message events, events, invoices, payments and attributions, newest first (cursor pagination)",
      request: { params: IdParam, query: timelineQuerySchema },
      responses: {
        200: jsonResponse(timelinePageSchema, 'One page, newest first'),
        ...commonErrorResponses,
      },
    }),
    async (c) => {
      // The service parses the query again (same schema): validated values pass unchanged.
      const page = await c
        .get('tenant')
        .customers.timeline(c.req.valid('param').id, c.req.valid('query'));
      return c.json(jsonify(page), 200);
    },
  );
}
