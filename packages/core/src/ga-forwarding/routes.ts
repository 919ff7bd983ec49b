/** HTTP routes of the ga-forwarding module: the forwarding status and an account check. */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import {
  commonErrorResponses,
  conflictResponse,
  errorResponse,
  jsonResponse,
} from '../http/schemas.js';
import type { GaForwardingFacade } from './facade.js';
import { gaForwardingStatusSchema, gaValidationSchema } from './schema.js';

export function registerGaForwardingRoutes(app: ApiApp<GaForwardingFacade>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/google-analytics/status',
      tags: ['Analytics'],
      summary:
        'Conversions forwarded to Google Analytics: counts per state, skip reasons, the last error',
      responses: {
        200: jsonResponse(gaForwardingStatusSchema, 'The status'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(await c.get('tenant').googleAnalytics.status(), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/google-analytics/validate',
      tags: ['Analytics'],
      summary:
        'Check the organization’s Google Analytics account against GA’s validation server (admin+)',
      description:
        'Sends a sample purchase to `/debug/mp/collect` with the account’s measurement id and API secret and returns its `validationMessages`. 404 `GA_ACCOUNT_NOT_FOUND` when the organization has no active `google_analytics` account. GA records nothing; the validation server does not check the API secret.',
      responses: {
        200: jsonResponse(gaValidationSchema, 'The validation server’s answer'),
        409: conflictResponse(
          'No forwarder is configured, or the account’s credentials lack measurementId or apiSecret',
        ),
        502: errorResponse('The validation server could not be reached'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(await c.get('tenant').googleAnalytics.validate(), 200),
  );
}
