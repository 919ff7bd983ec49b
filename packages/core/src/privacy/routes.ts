/**
 * HTTP routes of the privacy module (admin+):
 * - `GET /customers/{id}/export`: the export document as a JSON download;
 * - `POST /customers/{id}/erase`: right to be forgotten. A POST to its own path rather than
 *   `DELETE /customers/{id}?erase=true`, so a lost query parameter can never turn a plain
 *   delete into an irreversible erase (or the reverse), and so it has its own RBAC action.
 */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import { jsonify } from '../http/json.js';
import { commonErrorResponses, IdParam, jsonResponse } from '../http/schemas.js';
import type { PrivacyFacade } from './facade.js';
import { customerExportSchema, eraseResultSchema } from './schema.js';

export function registerPrivacyRoutes(app: ApiApp<PrivacyFacade>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/customers/{id}/export',
      tags: ['Customers'],
      summary: 'Everything held about one customer, as a JSON download (admin+; audited)',
      request: { params: IdParam },
      responses: {
        200: {
          ...jsonResponse(customerExportSchema, 'The export document'),
          headers: {
            'Content-Disposition': {
              description: 'attachment; filename="customer-{id}.json"',
              schema: { type: 'string' },
            },
          },
        },
        ...commonErrorResponses,
      },
    }),
    async (c) => {
      const document = await c.get('tenant').customers.export(c.req.valid('param').id);
      return c.json(jsonify(document), 200, {
        'Content-Disposition': `attachment; filename="customer-${document.customer.id}.json"`,
        // Personal data: no shared or browser cache may keep a copy.
        'Cache-Control': 'no-store',
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/customers/{id}/erase',
      tags: ['Customers'],
      summary:
        'Erase a customer and its history in one transaction (admin+; irreversible). Returns row counts only',
      request: { params: IdParam },
      responses: {
        200: jsonResponse(eraseResultSchema, 'What was deleted, detached and redacted'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(jsonify(await c.get('tenant').customers.erase(c.req.valid('param').id)), 200),
  );
}
