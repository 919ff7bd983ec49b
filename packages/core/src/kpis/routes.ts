/**
 * HTTP routes of the KPI module: a campaign's KPIs and funnel beside the campaign, the
 * organization's series and top campaigns under `/kpis`, and the on-demand refresh.
 */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import { jsonify } from '../http/json.js';
import { commonErrorResponses, IdParam, jsonResponse } from '../http/schemas.js';
import type { KpisFacade } from './facade.js';
import {
  campaignKpiQuerySchema,
  campaignKpisOutSchema,
  funnelOutSchema,
  funnelQuerySchema,
  refreshOutSchema,
  seriesOutSchema,
  seriesQuerySchema,
  topCampaignsOutSchema,
  topCampaignsQuerySchema,
} from './schema.js';

export function registerKpiRoutes(app: ApiApp<KpisFacade>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/campaigns/{id}/kpis',
      tags: ['KPIs'],
      summary: "A campaign's KPIs, in total and per run, from the materialized views",
      description:
        'Counts are unique messages; rates are ratios (null when the denominator is 0); conversions and revenue are those credited by `model`. `asOf` is when the views were last refreshed.',
      request: { params: IdParam, query: campaignKpiQuerySchema },
      responses: {
        200: jsonResponse(campaignKpisOutSchema, 'The KPIs'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(
        jsonify(await c.get('tenant').kpis.campaign(c.req.valid('param').id, c.req.valid('query'))),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/campaigns/{id}/funnel',
      tags: ['KPIs'],
      summary: 'Unique customers from the frozen audience to conversion (campaign or one run)',
      request: { params: IdParam, query: funnelQuerySchema },
      responses: { 200: jsonResponse(funnelOutSchema, 'The funnel'), ...commonErrorResponses },
    }),
    async (c) =>
      c.json(await c.get('tenant').kpis.funnel(c.req.valid('param').id, c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/kpis/series',
      tags: ['KPIs'],
      summary: 'Daily sends, deliveries, opens, clicks, conversions and revenue (live)',
      description:
        'Every local day of the organization’s time zone from `from` to `to` (at most 366 days), zeros included.',
      request: { query: seriesQuerySchema },
      responses: { 200: jsonResponse(seriesOutSchema, 'The series'), ...commonErrorResponses },
    }),
    async (c) => c.json(await c.get('tenant').kpis.series(c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/kpis/top-campaigns',
      tags: ['KPIs'],
      summary: 'Campaigns by revenue credited by a model over a period (live)',
      request: { query: topCampaignsQuerySchema },
      responses: {
        200: jsonResponse(topCampaignsOutSchema, 'The ranking'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(await c.get('tenant').kpis.topCampaigns(c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/kpis/refresh',
      tags: ['KPIs'],
      summary: 'Refresh the materialized views now (admin+; at most once a minute per instance)',
      responses: { 200: jsonResponse(refreshOutSchema, 'What was done'), ...commonErrorResponses },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').kpis.refresh()), 200),
  );
}
