/**
 * HTTP schemas of the privacy module. The export document's rows are the stored columns of
 * each table (see `CustomerExport`); OpenAPI describes them as objects, and the typed client
 * takes the exact row types from the service's `CustomerExport` type.
 */
import { z } from '@hono/zod-openapi';
import { customerOutSchema } from '../customers/index.js';
import { Timestamp } from '../http/schemas.js';

const rows = (table: string) =>
  z.array(z.record(z.string(), z.unknown())).openapi({ description: `Rows of \`${table}\`` });

export const customerExportSchema = z
  .object({
    format: z.literal('greentrack.customer-export'),
    version: z.literal(1),
    exported_at: Timestamp,
    organization_id: z.uuid(),
    customer: customerOutSchema.extend({
      has_embedding: z
        .boolean()
        .openapi({ description: 'Whether an embedding is stored (the vector is not exported)' }),
    }),
    tags: z.array(z.object({ id: z.uuid(), name: z.string().nullable() })),
    subscriptions: rows('subscriptions'),
    campaign_audience: rows('campaign_audience'),
    messages: rows('messages'),
    message_events: rows('message_events'),
    events: rows('events'),
    attributions: rows('attributions'),
    ga_sessions: rows('ga_sessions'),
    invoices: rows('zeroinvoice_invoices_cache'),
    invoice_items: rows('zeroinvoice_invoice_items_cache'),
    payments: rows('payments'),
    audit_log: rows('audit_log'),
  })
  .openapi('CustomerExport');

const counts = (names: readonly string[]) =>
  z.object(Object.fromEntries(names.map((n) => [n, z.number().int()])));

export const eraseResultSchema = z
  .object({
    customer_id: z.uuid(),
    erased_at: Timestamp,
    deleted: counts([
      'customers',
      'customer_tags',
      'subscriptions',
      'campaign_audience',
      'messages',
      'message_events',
      'events',
      'attributions',
      'ga_sessions',
    ]),
    detached: counts(['attributions']),
    redacted: counts(['zeroinvoice_invoices_cache', 'payments', 'audit_log', 'webhooks_inbound']),
  })
  .openapi('EraseResult');
