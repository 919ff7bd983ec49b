/** HTTP route of invoice delivery: `POST /invoices/{id}/send`. */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import {
  commonErrorResponses,
  conflictResponse,
  errorResponse,
  IdParam,
  jsonBody,
  jsonResponse,
} from '../http/schemas.js';
import type { InvoiceDeliveryFacade } from './facade.js';
import { invoiceSendResultSchema, invoiceSendSchema } from './schema.js';

export function registerInvoiceDeliveryRoutes(app: ApiApp<InvoiceDeliveryFacade>): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/invoices/{id}/send',
      tags: ['Invoices'],
      summary:
        'Send the invoice to its customer by email and/or SMS (a channel it already went out on answers `already_sent` unless `resend`)',
      request: { params: IdParam, body: jsonBody(invoiceSendSchema) },
      responses: {
        200: jsonResponse(invoiceSendResultSchema, 'Sent (per channel: `deliveries`)'),
        409: conflictResponse(
          '`INVOICE_NOT_SENDABLE` (void), `INVOICE_NO_RECIPIENT` (no customer), `INVOICE_RECIPIENT_UNREACHABLE` (no address, or suppressed: `details.channels`)',
        ),
        422: errorResponse('`TEMPLATE_RENDER_FAILED`: the invoice cannot fill the template'),
        502: errorResponse(
          '`INVOICE_SEND_FAILED`: every channel’s provider refused or failed (`details.deliveries`)',
        ),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(
        await c.get('tenant').invoices.send(c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
  );
}
