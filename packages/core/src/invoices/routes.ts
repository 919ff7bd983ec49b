/**
 * HTTP routes of the invoices module.
 */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import { jsonify } from '../http/json.js';
import { commonErrorResponses, IdParam, jsonResponse } from '../http/schemas.js';
import type { InvoicesFacade } from './facade.js';
import {
  agingOutSchema,
  agingQuerySchema,
  invoiceListQuerySchema,
  invoicePageSchema,
  invoiceWithItemsOutSchema,
} from './schema.js';

export function registerInvoiceRoutes(app: ApiApp<InvoicesFacade>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/invoices',
      tags: ['Invoices'],
      summary: 'List invoices, newest first (filters: status, customer, overdue, due range)',
      request: { query: invoiceListQuerySchema },
      responses: { 200: jsonResponse(invoicePageSchema, 'One page'), ...commonErrorResponses },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').invoices.list(c.req.valid('query'))), 200),
  );

  // Before `/invoices/{id}`, which would otherwise take `aging` for an id.
  app.openapi(
    createRoute({
      method: 'get',
      path: '/invoices/aging',
      tags: ['Invoices'],
      summary: 'Amounts due by age (current, 1–30, 31–60, 61–90, 90+ days), per currency',
      request: { query: agingQuerySchema },
      responses: { 200: jsonResponse(agingOutSchema, 'The aging report'), ...commonErrorResponses },
    }),
    async (c) => c.json(await c.get('tenant').invoices.aging(c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/invoices/{id}',
      tags: ['Invoices'],
      summary: 'One invoice with its items',
      request: { params: IdParam },
      responses: {
        200: jsonResponse(invoiceWithItemsOutSchema, 'The invoice'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').invoices.get(c.req.valid('param').id)), 200),
  );
}
