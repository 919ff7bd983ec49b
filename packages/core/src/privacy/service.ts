/**
 * Data-subject requests for one customer: export (right of access / portability) and erase
 * (right to be forgotten). Both work on the same set of rows — "the customer's data" — so
 * what an export shows is what an erase removes. See docs/decisions.md ("Customer export and
 * erase") for the per-table choices.
 *
 * Which rows are the customer's, table by table, and what erase does with them, is not
 * written here: it is the customer-data registry (`customer-data.ts`), to which every module
 * contributes its tables. Export and erase walk it; a test checks against the database
 * catalog that no table holding customer data is missing from it.
 */
import { type Selectable, sql } from 'kysely';
import { recordAudit } from '../audit/index.js';
import { type CustomerDataRegistry, customerRef, exportRows } from '../customer-data.js';
import { type Customer, getCustomer } from '../customers/index.js';
import type {
  AttributionsTable,
  AuditLogTable,
  CampaignAudienceTable,
  EventsTable,
  GaSessionsTable,
  MessageEventsTable,
  MessagesTable,
  OutboxMessagesTable,
  PaymentsTable,
  SubscriptionsTable,
  ZeroinvoiceInvoiceItemsCacheTable,
  ZeroinvoiceInvoicesCacheTable,
} from '../db/types.js';
import { inTransaction, type Scope } from '../scope.js';

/** The `format` of an export document; bump `version` on breaking changes. */
export const CUSTOMER_EXPORT_FORMAT = 'greentrack.customer-export';

/**
 * Everything GreenTrack holds about one customer, table by table, rows as stored.
 * Timestamps are `Date`s here and ISO 8601 strings in the HTTP download.
 */
export interface CustomerExport {
  format: typeof CUSTOMER_EXPORT_FORMAT;
  version: 1;
  exported_at: Date;
  organization_id: string;
  /**
   * The customer row. The `embedding` vector is not included: it is derived from the
   * fields exported here (name, notes, tags, city…), is meaningless to a person and large;
   * `has_embedding` says whether one is stored. Erase deletes it with the row.
   */
  customer: Customer & { has_embedding: boolean };
  tags: Array<{ id: string; name: string | null }>;
  subscriptions: Array<Selectable<SubscriptionsTable>>;
  campaign_audience: Array<Selectable<CampaignAudienceTable>>;
  messages: Array<Selectable<MessagesTable>>;
  message_events: Array<Selectable<MessageEventsTable>>;
  events: Array<Selectable<EventsTable>>;
  attributions: Array<Selectable<AttributionsTable>>;
  ga_sessions: Array<Selectable<GaSessionsTable>>;
  invoices: Array<Selectable<ZeroinvoiceInvoicesCacheTable>>;
  invoice_items: Array<Selectable<ZeroinvoiceInvoiceItemsCacheTable>>;
  payments: Array<Selectable<PaymentsTable>>;
  /** What the built-in outbox provider recorded as sent to the customer. */
  outbox_messages: Array<Selectable<OutboxMessagesTable>>;
  audit_log: Array<Selectable<AuditLogTable>>;
}

/** What `eraseCustomer` did, in row counts only: this is also the erase audit row's `after`. */
export interface EraseResult {
  customer_id: string;
  erased_at: Date;
  /** Rows deleted, per table. */
  deleted: {
    customers: number;
    customer_tags: number;
    subscriptions: number;
    campaign_audience: number;
    messages: number;
    message_events: number;
    events: number;
    attributions: number;
    ga_sessions: number;
  };
  /**
   * Rows kept but unlinked from the customer: other customers' attributions that credited
   * one of the erased messages (`message_id` → NULL).
   */
  detached: { attributions: number };
  /**
   * Rows kept with their personal fields replaced by `REDACTED`: cached invoices (kept for
   * revenue; `customer_id`, `external_customer_id`, `stripe_payment_link` → NULL, `snapshot`
   * redacted), their payments (`raw_payload`), audit rows about the customer (`before` /
   * `after`), and inbound webhooks whose payload names the customer (`payload`, `headers`).
   */
  redacted: {
    zeroinvoice_invoices_cache: number;
    payments: number;
    audit_log: number;
    webhooks_inbound: number;
  };
}

/** `{ deleted, detached, redacted }` counts, keyed by table. */
type Counts = Record<string, number>;

/**
 * Exports everything held about one customer as one JSON-ready document (see
 * `CustomerExport`), read from one consistent snapshot (REPEATABLE READ), and records a
 * `customer.export` audit row holding only row counts. Every registry table that is exported
 * contributes its rows under its `export.as` key.
 *
 * @throws `CUSTOMER_NOT_FOUND` when the customer is not in the scope's organization.
 * @example
 * const doc = await gt.as(admin).customers.export(customerId);
 * await writeFile(`customer-${customerId}.json`, JSON.stringify(doc));
 */
export async function exportCustomer(
  scope: Scope,
  registry: CustomerDataRegistry,
  customerId: string,
): Promise<CustomerExport> {
  // One snapshot for all the reads below, so the tables agree with each other (a caller's
  // outer transaction keeps its own isolation).
  return inTransaction(
    scope,
    async (tx) => {
      const customer = await getCustomer(tx, customerId);
      const who = customerRef(tx.organizationId, customer);
      const { has_embedding } = await tx.db
        .selectFrom('customers')
        .select(sql<boolean>`embedding IS NOT NULL`.as('has_embedding'))
        .where('id', '=', customer.id)
        .executeTakeFirstOrThrow();
      const tables: Record<string, Array<Record<string, unknown>>> = {};
      for (const entry of registry.tables) {
        if ('omit' in entry.export) continue;
        tables[entry.export.as] = (await exportRows(entry, who).execute(tx.db)).rows;
      }
      const document = {
        format: CUSTOMER_EXPORT_FORMAT,
        version: 1,
        exported_at: tx.clock.now(),
        organization_id: tx.organizationId,
        customer: { ...customer, has_embedding },
        ...tables,
      } as CustomerExport;
      // Who exported whom and how much: counts only, never the data itself.
      await recordAudit(tx, {
        action: 'customer.export',
        entity: 'customer',
        entityId: customer.id,
        after: { rows: Object.fromEntries(Object.entries(tables).map(([k, v]) => [k, v.length])) },
      });
      return document;
    },
    { isolationLevel: 'repeatable read' },
  );
}

/** Rows a raw statement changed. */
const changed = (result: { numAffectedRows?: bigint }): number =>
  Number(result.numAffectedRows ?? 0n);

/**
 * Erases a customer (right to be forgotten), in ONE transaction: either all of it happens
 * or nothing does.
 *
 * With the customer row locked first (`FOR UPDATE`, so no message or event can be added to
 * it meanwhile — their foreign-key checks wait for the lock, then fail), every table of the
 * customer-data registry is handled in its `eraseStage` order: rows are deleted, or kept with
 * their personal columns redacted, and other customers' rows that only point at the erased
 * ones are detached. Then one `customer.erase` audit row is written with row counts only
 * (`EraseResult`), and `customer.erased` is emitted after the commit.
 *
 * Not covered: anonymous events (no `customer_id`) are not linked to the person by
 * GreenTrack and stay; the ZeroInvoice / provider copies are the host's to erase (the
 * event carries `externalZeroinvoiceCustomerId` for that).
 *
 * @throws `CUSTOMER_NOT_FOUND` when the customer is not in the scope's organization.
 */
export async function eraseCustomer(
  scope: Scope,
  registry: CustomerDataRegistry,
  customerId: string,
): Promise<EraseResult> {
  return inTransaction(scope, async (tx) => {
    const { db, organizationId: org } = tx;
    const found = await getCustomer(tx, customerId);
    const locked = await db
      .selectFrom('customers')
      .select(['id', 'external_zeroinvoice_customer_id'])
      .where('id', '=', found.id)
      .where('organization_id', '=', org)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const who = customerRef(org, found);
    const deleted: Counts = {};
    const detached: Counts = {};
    const redacted: Counts = {};
    for (const entry of registry.tables) {
      const table = sql.table(entry.table);
      const mine = entry.belongsTo(entry.table, who);
      const erase = entry.erase;
      if (erase.action === 'delete') {
        const result = await sql`DELETE FROM ${table} WHERE ${mine}`.execute(db);
        deleted[entry.table] = changed(result);
      } else if (erase.action === 'redact') {
        const assignments = Object.entries(erase.set(entry.table)).map(
          ([column, value]) => sql`${sql.ref(column)} = ${value}`,
        );
        const result =
          await sql`UPDATE ${table} SET ${sql.join(assignments)} WHERE ${mine}`.execute(db);
        redacted[entry.table] = changed(result);
      }
      // Other customers' rows that pointed at the rows just erased: deleted or unlinked.
      for (const other of entry.others ?? []) {
        const where = other.where(entry.table, who);
        if (other.set) {
          const assignments = Object.entries(other.set).map(
            ([column, value]) => sql`${sql.ref(column)} = ${value}`,
          );
          const result =
            await sql`UPDATE ${table} SET ${sql.join(assignments)} WHERE ${where}`.execute(db);
          detached[entry.table] = (detached[entry.table] ?? 0) + changed(result);
        } else {
          const result = await sql`DELETE FROM ${table} WHERE ${where}`.execute(db);
          deleted[entry.table] = (deleted[entry.table] ?? 0) + changed(result);
        }
      }
    }

    const result = {
      customer_id: found.id,
      erased_at: tx.clock.now(),
      deleted,
      detached,
      redacted,
    } as EraseResult;
    // Written last, after the audit rows about the customer were redacted. Counts only.
    await recordAudit(tx, {
      action: 'customer.erase',
      entity: 'customer',
      entityId: found.id,
      after: { deleted, detached, redacted },
    });
    tx.emit('customer.erased', {
      organizationId: org,
      customerId: found.id,
      externalZeroinvoiceCustomerId: locked.external_zeroinvoice_customer_id,
      actor: tx.actor,
    });
    return result;
  });
}
