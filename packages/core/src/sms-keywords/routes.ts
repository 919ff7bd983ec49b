/** HTTP routes of the sms-keywords module: the organization's answer to an inbound HELP. */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import { commonErrorResponses, jsonBody, jsonResponse } from '../http/schemas.js';
import type { SmsKeywordsFacade } from './facade.js';
import { smsKeywordSettingsSchema, smsKeywordSettingsUpdateSchema } from './schema.js';

export function registerSmsKeywordRoutes(app: ApiApp<SmsKeywordsFacade>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/settings/sms-keywords',
      tags: ['Settings'],
      summary: 'The answer to an inbound HELP text',
      responses: {
        200: jsonResponse(smsKeywordSettingsSchema, 'The settings'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(await c.get('tenant').settings.smsKeywords.get(), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/settings/sms-keywords',
      tags: ['Settings'],
      summary: 'Set the answer to an inbound HELP text, or null for the default (admin+; audited)',
      request: { body: jsonBody(smsKeywordSettingsUpdateSchema) },
      responses: {
        200: jsonResponse(smsKeywordSettingsSchema, 'The settings after the change'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(await c.get('tenant').settings.smsKeywords.set(c.req.valid('json')), 200),
  );
}
