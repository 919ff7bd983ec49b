/**
 * HTTP routes of the payments module.
 */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import { jsonify } from '../http/json.js';
import {
  commonErrorResponses,
  conflictResponse,
  errorResponse,
  IdParam,
  jsonBody,
  jsonResponse,
} from '../http/schemas.js';
import type { PaymentsFacade } from './facade.js';
import {
  manualPaymentSchema,
  paymentListQuerySchema,
  paymentOutSchema,
  paymentPageSchema,
  recordPaymentOutSchema,
} from './schema.js';

export function registerPaymentRoutes(app: ApiApp<PaymentsFacade>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/payments',
      tags: ['Payments'],
      summary: 'List payments and refunds, newest first (filters: invoice, status, kind)',
      request: { query: paymentListQuerySchema },
      responses: { 200: jsonResponse(paymentPageSchema, 'One page'), ...commonErrorResponses },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').payments.list(c.req.valid('query'))), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/payments/{id}',
      tags: ['Payments'],
      summary: 'One payment',
      request: { params: IdParam },
      responses: { 200: jsonResponse(paymentOutSchema, 'The payment'), ...commonErrorResponses },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').payments.get(c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/invoices/{id}/payments',
      tags: ['Payments'],
      summary: 'Record a manual payment or refund (cash, check, …) against an invoice',
      request: { params: IdParam, body: jsonBody(manualPaymentSchema) },
      responses: {
        201: jsonResponse(recordPaymentOutSchema, 'The recorded payment and the invoice after it'),
        409: conflictResponse(
          'More than the amount due, a refund beyond what was paid, or an invoice that takes no payment',
        ),
        422: errorResponse("The currency is not the invoice's"),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(
        jsonify(
          await c.get('tenant').payments.recordManual(c.req.valid('param').id, await c.req.json()),
        ),
        201,
      ),
  );
}
