/**
 * Schemas of the audit route, shared with the typed client (types only).
 */
import { z } from '@hono/zod-openapi';
import { Timestamp } from '../http/schemas.js';

const AuditEntrySchema = z
  .object({
    id: z.uuid(),
    organization_id: z.uuid(),
    actor_type: z.enum(['user', 'system', 'webhook']),
    actor_id: z.uuid().nullable(),
    action: z.string(),
    entity: z.string(),
    entity_id: z.uuid().nullable(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    occurred_at: Timestamp,
  })
  .openapi('AuditEntry');

export const AuditPageSchema = z
  .object({ items: z.array(AuditEntrySchema), nextCursor: z.string().nullable() })
  .openapi('AuditPage');

export const AuditQuery = z.object({
  entity: z.string().max(100).optional(),
  entity_id: z.uuid().optional(),
  actor_id: z.uuid().optional(),
  action: z.string().max(100).optional(),
  from: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: 'Inclusive lower bound (ISO 8601)' }),
  to: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: 'Exclusive upper bound (ISO 8601)' }),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(500).optional(),
});
