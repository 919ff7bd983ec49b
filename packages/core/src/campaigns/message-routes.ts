/**
 * HTTP routes of what a campaign sends: a test to one address, and the listing of its
 * messages with their events.
 */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import { jsonify } from '../http/json.js';
import {
  commonErrorResponses,
  conflictResponse,
  errorResponse,
  IdParam,
  jsonBody,
  jsonResponse,
} from '../http/schemas.js';
import type { CampaignsFacade } from './facade.js';
import {
  campaignTestOutSchema,
  campaignTestSchema,
  messageListQuerySchema,
  messagePageOutSchema,
} from './schema.js';

export function registerCampaignMessageRoutes(app: ApiApp<CampaignsFacade>): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/campaigns/{id}/test',
      tags: ['Campaigns'],
      summary:
        'Send a test of the campaign to one address (email, or E.164 for SMS), rendered for a customer or the sample customer; no run, nothing counted',
      request: { params: IdParam, body: jsonBody(campaignTestSchema) },
      responses: {
        200: jsonResponse(campaignTestOutSchema, 'Sent'),
        409: conflictResponse('`CAMPAIGN_INCOMPLETE`: the campaign has no template'),
        422: errorResponse(
          '`TEMPLATE_RENDER_FAILED`: the customer’s data cannot fill the template (`details.issues`)',
        ),
        502: errorResponse(
          '`CAMPAIGN_TEST_FAILED`: the provider refused or failed (`details.failure`)',
        ),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(
        await c.get('tenant').campaigns.sendTest(c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/campaigns/{id}/messages',
      tags: ['Campaigns'],
      summary:
        "One page of the campaign's messages by run and recipient, each with its events; filter by `status` or `run`",
      request: { params: IdParam, query: messageListQuerySchema },
      responses: {
        200: jsonResponse(messagePageOutSchema, 'Messages page'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(
        jsonify(
          await c.get('tenant').campaigns.messages(c.req.valid('param').id, c.req.valid('query')),
        ),
        200,
      ),
  );
}
