/**
 * HTTP routes of the campaigns module: CRUD, the lifecycle actions (each a POST on the
 * campaign), runs and their frozen audiences.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import { jsonify } from '../http/json.js';
import {
  commonErrorResponses,
  conflictResponse,
  IdParam,
  jsonBody,
  jsonResponse,
} from '../http/schemas.js';
import type { CampaignsFacade } from './facade.js';
import {
  audiencePageOutSchema,
  audienceQuerySchema,
  campaignCreateSchema,
  campaignListOutSchema,
  campaignOutSchema,
  campaignRunListOutSchema,
  campaignScheduleSchema,
  campaignUpdateSchema,
  unknownOutcomePageOutSchema,
  unknownOutcomeQuerySchema,
  unknownOutcomeResolutionSchema,
  unknownOutcomeResultOutSchema,
} from './schema.js';

const invalidTransition = conflictResponse(
  '`CAMPAIGN_INVALID_TRANSITION`: the action does not apply in the campaign’s status',
);

const notHeld = conflictResponse(
  '`CAMPAIGN_OUTCOME_NOT_HELD`: the message is not held, or a resend of it is under way; `CAMPAIGN_PROVIDER_NOT_CONFIGURED` (resend): the provider it may have reached is no longer configured',
);

/** The lifecycle actions without a body, and what each says. */
const actions = {
  unschedule: 'Back to draft before it starts (admin+)',
  pause: 'Stop sending; resume continues where it stopped (admin+)',
  resume: 'Continue a paused campaign (admin+)',
  cancel: 'End an unfinished campaign as completed, recording the cancellation (admin+)',
} as const;

export function registerCampaignRoutes(app: ApiApp<CampaignsFacade>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/campaigns',
      tags: ['Campaigns'],
      summary: "The organization's campaigns, newest first",
      responses: { 200: jsonResponse(campaignListOutSchema, 'Campaigns'), ...commonErrorResponses },
    }),
    async (c) => c.json({ items: jsonify(await c.get('tenant').campaigns.list()) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/campaigns',
      tags: ['Campaigns'],
      summary: 'Create a draft campaign',
      request: { body: jsonBody(campaignCreateSchema) },
      responses: { 201: jsonResponse(campaignOutSchema, 'The draft'), ...commonErrorResponses },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').campaigns.create(c.req.valid('json'))), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/campaigns/{id}',
      tags: ['Campaigns'],
      summary: 'One campaign',
      request: { params: IdParam },
      responses: { 200: jsonResponse(campaignOutSchema, 'The campaign'), ...commonErrorResponses },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').campaigns.get(c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/campaigns/{id}',
      tags: ['Campaigns'],
      summary: 'Edit a campaign (template, segment and channel are fixed once started)',
      request: { params: IdParam, body: jsonBody(campaignUpdateSchema) },
      responses: {
        200: jsonResponse(campaignOutSchema, 'The campaign'),
        409: conflictResponse('`CAMPAIGN_LOCKED`: the campaign has started'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(
        jsonify(
          await c.get('tenant').campaigns.update(c.req.valid('param').id, c.req.valid('json')),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/campaigns/{id}',
      tags: ['Campaigns'],
      summary: 'Delete a draft (admin+); a scheduled or started campaign is cancelled instead',
      request: { params: IdParam },
      responses: {
        204: { description: 'Deleted' },
        409: invalidTransition,
        ...commonErrorResponses,
      },
    }),
    async (c) => {
      await c.get('tenant').campaigns.remove(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/campaigns/{id}/schedule',
      tags: ['Campaigns'],
      summary: 'Schedule a draft to start at `schedule_at`, or now (admin+)',
      request: { params: IdParam, body: jsonBody(campaignScheduleSchema) },
      responses: {
        200: jsonResponse(campaignOutSchema, 'The scheduled campaign'),
        409: conflictResponse(
          '`CAMPAIGN_INCOMPLETE` (no template or segment) or `CAMPAIGN_INVALID_TRANSITION`',
        ),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(
        jsonify(
          await c.get('tenant').campaigns.schedule(c.req.valid('param').id, c.req.valid('json')),
        ),
        200,
      ),
  );

  for (const [action, summary] of Object.entries(actions) as Array<
    [keyof typeof actions, string]
  >) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/campaigns/{id}/${action}`,
        tags: ['Campaigns'],
        summary,
        request: { params: IdParam },
        responses: {
          200: jsonResponse(campaignOutSchema, 'The campaign'),
          409: invalidTransition,
          ...commonErrorResponses,
        },
      }),
      async (c) =>
        c.json(jsonify(await c.get('tenant').campaigns[action](c.req.valid('param').id)), 200),
    );
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/campaigns/{id}/runs',
      tags: ['Campaigns'],
      summary: "The campaign's runs with their stats, newest first",
      request: { params: IdParam },
      responses: { 200: jsonResponse(campaignRunListOutSchema, 'Runs'), ...commonErrorResponses },
    }),
    async (c) =>
      c.json(
        { items: jsonify(await c.get('tenant').campaigns.runs(c.req.valid('param').id)) },
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/campaign-runs/{id}/audience',
      tags: ['Campaigns'],
      summary: "One page of a run's frozen audience, with why each was included",
      request: {
        params: IdParam,
        query: z.object({
          limit: audienceQuerySchema.shape.limit,
          cursor: audienceQuerySchema.shape.cursor,
        }),
      },
      responses: {
        200: jsonResponse(audiencePageOutSchema, 'Audience page'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(
        jsonify(
          await c.get('tenant').campaigns.audience(c.req.valid('param').id, c.req.valid('query')),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/unknown-outcomes',
      tags: ['Campaigns'],
      summary:
        'Campaign messages held because their provider call was interrupted (outcome unknown), oldest first',
      request: {
        query: z.object({
          campaign_id: unknownOutcomeQuerySchema.shape.campaign_id,
          limit: unknownOutcomeQuerySchema.shape.limit,
          cursor: unknownOutcomeQuerySchema.shape.cursor,
        }),
      },
      responses: {
        200: jsonResponse(unknownOutcomePageOutSchema, 'Held messages'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(jsonify(await c.get('tenant').campaigns.unknownOutcomes(c.req.valid('query'))), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/unknown-outcomes/{id}/resolve',
      tags: ['Campaigns'],
      summary: "Record a held message's outcome (`sent` or `failed`) from the provider's own log",
      request: { params: IdParam, body: jsonBody(unknownOutcomeResolutionSchema) },
      responses: {
        200: jsonResponse(unknownOutcomeResultOutSchema, 'The resolution'),
        409: notHeld,
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(
        jsonify(
          await c
            .get('tenant')
            .campaigns.resolveUnknown(c.req.valid('param').id, c.req.valid('json')),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/unknown-outcomes/{id}/resend',
      tags: ['Campaigns'],
      summary:
        'Send a held message again now, under its same id (admin+); its recipient may get it twice',
      request: { params: IdParam },
      responses: {
        200: jsonResponse(unknownOutcomeResultOutSchema, 'What the resend did'),
        409: notHeld,
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(jsonify(await c.get('tenant').campaigns.resendUnknown(c.req.valid('param').id)), 200),
  );
}
