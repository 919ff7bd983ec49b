/**
 * HTTP route of the audit module: the organization's audit trail (admin+).
 */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import { jsonify } from '../http/json.js';
import { commonErrorResponses, jsonResponse } from '../http/schemas.js';
import type { AuditFacade } from './facade.js';
import { AuditPageSchema, AuditQuery } from './http-schemas.js';

export function registerAuditRoutes(app: ApiApp<AuditFacade>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/audit-log',
      tags: ['Audit'],
      summary: 'Audit trail, newest first, with cursor pagination (admin+)',
      request: { query: AuditQuery },
      responses: {
        200: jsonResponse(AuditPageSchema, 'One page'),
        ...commonErrorResponses,
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await c.get('tenant').auditLog.list({
        ...(q.entity ? { entity: q.entity } : {}),
        ...(q.entity_id ? { entityId: q.entity_id } : {}),
        ...(q.actor_id ? { actorId: q.actor_id } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      return c.json({ items: jsonify(page.items), nextCursor: page.nextCursor }, 200);
    },
  );
}
