/** HTTP routes of the settings module: the organization's sending settings. */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import { commonErrorResponses, jsonBody, jsonResponse } from '../http/schemas.js';
import type { SettingsFacade } from './facade.js';
import { sendingSettingsSchema, sendingSettingsUpdateSchema } from './schema.js';

export function registerSettingsRoutes(app: ApiApp<SettingsFacade>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/settings/sending',
      tags: ['Settings'],
      summary: 'The organization’s time zone and frequency cap per channel',
      responses: {
        200: jsonResponse(sendingSettingsSchema, 'The settings'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(await c.get('tenant').settings.sending.get(), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/settings/sending',
      tags: ['Settings'],
      summary: 'Change the time zone or a channel’s frequency cap (admin+; audited)',
      request: { body: jsonBody(sendingSettingsUpdateSchema) },
      responses: {
        200: jsonResponse(sendingSettingsSchema, 'The settings after the change'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(await c.get('tenant').settings.sending.set(c.req.valid('json')), 200),
  );
}
