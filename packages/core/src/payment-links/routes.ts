/** HTTP route of the payment-links module: an invoice's payment link. */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import {
  commonErrorResponses,
  conflictResponse,
  errorResponse,
  IdParam,
  jsonResponse,
} from '../http/schemas.js';
import type { PaymentLinksFacade } from './facade.js';
import { paymentLinkOutSchema } from './schema.js';

export function registerPaymentLinkRoutes(app: ApiApp<PaymentLinksFacade>): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/invoices/{id}/payment-link',
      tags: ['Invoices'],
      summary:
        'The invoice’s payment link: the stored one while it charges the amount due, else a new one (staff+; audited)',
      request: { params: IdParam },
      responses: {
        200: jsonResponse(paymentLinkOutSchema, 'The link'),
        409: conflictResponse(
          'The invoice is paid or void, or the organization has no usable payments account',
        ),
        502: errorResponse(
          'The payments provider refused or failed; `details.retryable` says whether to retry',
        ),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(await c.get('tenant').invoices.paymentLink(c.req.valid('param').id), 200),
  );
}
