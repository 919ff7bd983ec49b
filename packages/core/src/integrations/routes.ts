/**
 * HTTP routes of the integrations module (admin+). Responses carry masked hints only: the
 * output schema is strict, and no route can read decrypted credentials.
 */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import { jsonify } from '../http/json.js';
import {
  commonErrorResponses,
  conflictResponse,
  IdParam,
  jsonBody,
  jsonResponse,
} from '../http/schemas.js';
import type { IntegrationsFacade } from './facade.js';
import {
  integrationAccountCreateSchema,
  integrationAccountListOutSchema,
  integrationAccountOutSchema,
  integrationAccountQuerySchema,
  integrationAccountUpdateSchema,
} from './schema.js';

export function registerIntegrationRoutes(app: ApiApp<IntegrationsFacade>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/integrations',
      tags: ['Integrations'],
      summary: 'Connected provider accounts (admin+)',
      request: { query: integrationAccountQuerySchema },
      responses: {
        200: jsonResponse(integrationAccountListOutSchema, 'Accounts'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(
        { items: jsonify(await c.get('tenant').integrations.list(c.req.valid('query'))) },
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/integrations',
      tags: ['Integrations'],
      summary: 'Connect a provider account; credentials are encrypted at rest (admin+)',
      request: { body: jsonBody(integrationAccountCreateSchema) },
      responses: {
        201: jsonResponse(integrationAccountOutSchema, 'The account, with masked credential hints'),
        409: conflictResponse('An account with this provider and name exists'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(jsonify(await c.get('tenant').integrations.create(c.req.valid('json'))), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/integrations/{id}',
      tags: ['Integrations'],
      summary: 'One provider account (admin+)',
      request: { params: IdParam },
      responses: {
        200: jsonResponse(integrationAccountOutSchema, 'The account'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(jsonify(await c.get('tenant').integrations.get(c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/integrations/{id}',
      tags: ['Integrations'],
      summary: 'Rename, enable/disable, or replace the credentials of an account (admin+)',
      request: { params: IdParam, body: jsonBody(integrationAccountUpdateSchema) },
      responses: {
        200: jsonResponse(integrationAccountOutSchema, 'The updated account'),
        409: conflictResponse('An account with this provider and name exists'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(
        jsonify(
          await c.get('tenant').integrations.update(c.req.valid('param').id, c.req.valid('json')),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/integrations/{id}',
      tags: ['Integrations'],
      summary: 'Disconnect an account (admin+)',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...commonErrorResponses },
    }),
    async (c) => {
      await c.get('tenant').integrations.remove(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
}
