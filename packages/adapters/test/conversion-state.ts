/**
 * An organization's conversion events (`payment_received`, `payment_refunded`,
 * `invoice_paid`) in a form two organizations can be compared by: name, source, time and
 * properties, with our row ids replaced by what they stand for — a payment by its external
 * id, an invoice by its external id (already in the properties), a reversed event by the
 * external id of its payment, the customer by its index in `customerIds`.
 */
import type { GreenTrack } from '@greentrack/core';

const NAMES = ['payment_received', 'payment_refunded', 'invoice_paid'];

/** The organization's conversion events, normalized and sorted. */
export async function conversionState(
  gt: GreenTrack,
  organizationId: string,
  customerIds: readonly string[] = [],
): Promise<string[]> {
  const rows = await gt.database
    .tenant(organizationId)
    .selectFrom('events')
    .select(['id', 'name', 'customer_id', 'source', 'occurred_at', 'properties'])
    .where('name', 'in', NAMES)
    .execute();
  const customerIndex = new Map(customerIds.map((id, i) => [id, i]));
  const props = (p: unknown) => p as Record<string, unknown>;
  const paymentOf = new Map(rows.map((r) => [r.id, props(r.properties).external_payment_id]));
  return rows
    .map(({ id: _, customer_id, occurred_at, properties, ...rest }) => {
      const { payment_id, invoice_id: _i, reverses_event_id, ...kept } = props(properties);
      return JSON.stringify({
        ...rest,
        customer: customer_id === null ? null : (customerIndex.get(customer_id) ?? 'other'),
        occurred_at: new Date(occurred_at).toISOString(),
        properties: {
          ...kept,
          ...(payment_id === undefined ? {} : { payment: typeof payment_id }),
          ...(reverses_event_id === undefined
            ? {}
            : {
                reverses:
                  reverses_event_id === null ? null : paymentOf.get(reverses_event_id as string),
              }),
        },
      });
    })
    .sort();
}
