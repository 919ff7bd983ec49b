/**
 * Which customer each event of a batch is about: by `customer_id` (must be the
 * organization's, else the batch is refused) or by `email` (no match: the event stays
 * anonymous). Two indexed lookups at most, whatever the batch size.
 */
import { sql } from 'kysely';
import { CustomerErrorCode } from '../customers/index.js';
import { GreenTrackError } from '../errors.js';
import type { Scope } from '../scope.js';
import type { ParsedEvent } from './schema.js';

/**
 * The customer id of each event, by position (`null`: anonymous). Matched customers are
 * locked `FOR KEY SHARE` until the transaction ends, so none can be deleted between this
 * lookup and the insert that references it.
 * @throws `CUSTOMER_NOT_FOUND` (404) naming the positions of ids that are not the
 *   organization's — another organization's customer is answered exactly like an id that
 *   exists nowhere.
 */
export async function resolveCustomers(
  tx: Scope,
  events: readonly ParsedEvent[],
): Promise<Array<string | null>> {
  const ids = new Set<string>();
  const emails = new Set<string>();
  for (const event of events) {
    if (event.customer_id) ids.add(event.customer_id.toLowerCase());
    else if (event.email) emails.add(event.email.toLowerCase());
  }
  const known = new Set<string>();
  if (ids.size > 0) {
    const { rows } = await sql<{ id: string }>`
      SELECT id FROM customers
      WHERE organization_id = ${tx.organizationId} AND id = ANY(${[...ids]}::uuid[])
      FOR KEY SHARE`.execute(tx.db);
    for (const row of rows) known.add(row.id);
  }
  const byEmail = new Map<string, string>();
  if (emails.size > 0) {
    // `citext =` is not leakproof, so under row-level security this is a filter over the
    // organization's customers, not an index probe (decision 145): paid only by batches
    // that carry emails. Two customers sharing an email: the oldest is the one linked.
    const { rows } = await sql<{ id: string; key: string }>`
      SELECT id, lower(email::text) AS key FROM customers
      WHERE organization_id = ${tx.organizationId} AND email = ANY(${[...emails]}::citext[])
      ORDER BY created_at, id
      FOR KEY SHARE`.execute(tx.db);
    for (const row of rows) if (!byEmail.has(row.key)) byEmail.set(row.key, row.id);
  }
  const missing: number[] = [];
  const resolved = events.map((event, index) => {
    if (event.customer_id) {
      const id = event.customer_id.toLowerCase();
      if (!known.has(id)) missing.push(index);
      return id;
    }
    return event.email ? (byEmail.get(event.email.toLowerCase()) ?? null) : null;
  });
  if (missing.length > 0) {
    throw new GreenTrackError({
      code: CustomerErrorCode.CUSTOMER_NOT_FOUND,
      message: `Customer not found (events ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}); nothing was recorded`,
      details: { indexes: missing },
    });
  }
  return resolved;
}
