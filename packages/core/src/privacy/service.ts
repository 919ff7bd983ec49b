/**
 * Data-subject requests for one customer: export (right of access / portability) and erase
 * (right to be forgotten). Both work on the same set of rows — "the customer's data" — so
 * what an export shows is what an erase removes. See docs/decisions.md ("Customer export and
 * erase") for the per-table choices.
 *
 * The customer's data, per table:
 * - `customers` (without the embedding vector: see `CustomerExport.customer`), its tags
 *   (`customer_tags` → `tags`), `subscriptions`, `campaign_audience` rows;
 * - `messages` with `customer_id` = the customer, and their `message_events`;
 * - `events` and `attributions` with `customer_id` = the customer, `ga_sessions` likewise;
 * - `zeroinvoice_invoices_cache` with `customer_id` = the customer, their items, and the
 *   `payments` of those invoices (by `external_invoice_id` within the organization);
 * - `audit_log` rows about the customer: `entity_id` = the customer, or `before`/`after`
 *   mentioning the customer's id.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import { recordAudit } from '../audit/index.js';
import { type Customer, getCustomer } from '../customers/index.js';
import type {
  AttributionsTable,
  AuditLogTable,
  CampaignAudienceTable,
  Database,
  EventsTable,
  GaSessionsTable,
  MessageEventsTable,
  MessagesTable,
  PaymentsTable,
  SubscriptionsTable,
  ZeroinvoiceInvoiceItemsCacheTable,
  ZeroinvoiceInvoicesCacheTable,
} from '../db/types.js';
import { toJson } from '../db/values.js';
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
  audit_log: Array<Selectable<AuditLogTable>>;
}

/** The tables an export lists, with a row count each (what the export's audit row records). */
type ExportCounts = Record<
  Exclude<
    keyof CustomerExport,
    'format' | 'version' | 'exported_at' | 'organization_id' | 'customer'
  >,
  number
>;

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

/** What replaces personal JSON that erase keeps the row of. */
export const REDACTED = { redacted: true, reason: 'customer.erase' } as const;

/** Escapes LIKE wildcards. */
function likeEscape(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `%term%`, lowercased and escaped, for `lower(x) LIKE`. */
const containing = (term: string) => `%${likeEscape(term.toLowerCase())}%`;

/**
 * Audit rows about a customer: those whose entity is the customer, and any whose JSON
 * mentions the customer's id (e.g. a subscription change recording `customer_id`).
 */
function auditAbout(db: Kysely<Database>, organizationId: string, customerId: string) {
  const mentions = containing(customerId);
  return db
    .selectFrom('audit_log')
    .where('organization_id', '=', organizationId)
    .where((eb) =>
      eb.or([
        eb('entity_id', '=', customerId),
        eb(sql`lower(before::text)`, 'like', mentions),
        eb(sql`lower(after::text)`, 'like', mentions),
      ]),
    );
}

/** Ids of the customer's cached invoices. */
function invoicesOf(db: Kysely<Database>, organizationId: string, customerId: string) {
  return db
    .selectFrom('zeroinvoice_invoices_cache')
    .where('organization_id', '=', organizationId)
    .where('customer_id', '=', customerId);
}

/** The customer's payments: those of its invoices, joined by external id in the organization. */
function paymentsOf(db: Kysely<Database>, organizationId: string, customerId: string) {
  return db
    .selectFrom('payments as p')
    .where('p.organization_id', '=', organizationId)
    .where('p.external_invoice_id', 'in', (eb) =>
      eb
        .selectFrom('zeroinvoice_invoices_cache as i')
        .select('i.external_invoice_id')
        .where('i.organization_id', '=', organizationId)
        .where('i.customer_id', '=', customerId),
    );
}

/** Ids of the customer's messages. */
function messageIdsOf(db: Kysely<Database>, organizationId: string, customerId: string) {
  return db
    .selectFrom('messages')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('customer_id', '=', customerId);
}

/** Ids of the customer's events. */
function eventIdsOf(db: Kysely<Database>, organizationId: string, customerId: string) {
  return db
    .selectFrom('events')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('customer_id', '=', customerId);
}

/**
 * Exports everything held about one customer as one JSON-ready document (see
 * `CustomerExport`), read from one consistent snapshot (REPEATABLE READ), and records a
 * `customer.export` audit row holding only row counts.
 *
 * @throws `CUSTOMER_NOT_FOUND` when the customer is not in the scope's organization.
 * @example
 * const doc = await gt.as(admin).customers.export(customerId);
 * await writeFile(`customer-${customerId}.json`, JSON.stringify(doc));
 */
export async function exportCustomer(scope: Scope, customerId: string): Promise<CustomerExport> {
  const startsTransaction = !scope.db.isTransaction;
  return inTransaction(scope, async (tx) => {
    // One snapshot for all the reads below, so the tables agree with each other. Only the
    // transaction's first statement may set this; a caller's outer transaction keeps its own.
    if (startsTransaction)
      await sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ`.execute(tx.db);
    const { db, organizationId: org } = tx;
    const customer = await getCustomer(tx, customerId);
    const id = customer.id;
    const { has_embedding } = await db
      .selectFrom('customers')
      .select(sql<boolean>`embedding IS NOT NULL`.as('has_embedding'))
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

    const tags = await db
      .selectFrom('customer_tags as ct')
      .innerJoin('tags as t', 't.id', 'ct.tag_id')
      .select(['t.id', 't.name'])
      .where('ct.customer_id', '=', id)
      .where('t.organization_id', '=', org)
      .orderBy('t.name')
      .execute();
    const subscriptions = await db
      .selectFrom('subscriptions')
      .selectAll()
      .where('organization_id', '=', org)
      .where('customer_id', '=', id)
      .orderBy('channel')
      .execute();
    // campaign_audience has no organization_id: its run's campaign says whose it is.
    const campaign_audience = await db
      .selectFrom('campaign_audience as ca')
      .innerJoin('campaign_runs as r', 'r.id', 'ca.campaign_run_id')
      .innerJoin('campaigns as c', 'c.id', 'r.campaign_id')
      .selectAll('ca')
      .where('c.organization_id', '=', org)
      .where('ca.customer_id', '=', id)
      .orderBy('ca.created_at')
      .orderBy('ca.id')
      .execute();
    const messages = await db
      .selectFrom('messages')
      .selectAll()
      .where('organization_id', '=', org)
      .where('customer_id', '=', id)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const message_events = await db
      .selectFrom('message_events')
      .selectAll()
      .where('organization_id', '=', org)
      .where('message_id', 'in', messageIdsOf(db, org, id))
      .orderBy('occurred_at')
      .orderBy('id')
      .execute();
    const events = await db
      .selectFrom('events')
      .selectAll()
      .where('organization_id', '=', org)
      .where('customer_id', '=', id)
      .orderBy('occurred_at')
      .orderBy('id')
      .execute();
    const attributions = await db
      .selectFrom('attributions')
      .selectAll()
      .where('organization_id', '=', org)
      .where('customer_id', '=', id)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const ga_sessions = await db
      .selectFrom('ga_sessions')
      .selectAll()
      .where('organization_id', '=', org)
      .where('customer_id', '=', id)
      .orderBy('first_seen_at')
      .orderBy('id')
      .execute();
    const invoices = await invoicesOf(db, org, id)
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const invoice_items = await db
      .selectFrom('zeroinvoice_invoice_items_cache')
      .selectAll()
      .where('invoice_id', 'in', invoicesOf(db, org, id).select('id'))
      .orderBy('invoice_id')
      .orderBy('position')
      .orderBy('id')
      .execute();
    const payments = await paymentsOf(db, org, id)
      .selectAll('p')
      .orderBy('p.created_at')
      .orderBy('p.id')
      .execute();
    const audit_log = await auditAbout(db, org, id)
      .selectAll()
      .orderBy('occurred_at')
      .orderBy('id')
      .execute();

    const document: CustomerExport = {
      format: CUSTOMER_EXPORT_FORMAT,
      version: 1,
      exported_at: tx.clock.now(),
      organization_id: org,
      customer: { ...customer, has_embedding },
      tags,
      subscriptions,
      campaign_audience,
      messages,
      message_events,
      events,
      attributions,
      ga_sessions,
      invoices,
      invoice_items,
      payments,
      audit_log,
    };
    // Who exported whom and how much: counts only, never the data itself.
    await recordAudit(tx, {
      action: 'customer.export',
      entity: 'customer',
      entityId: id,
      after: { rows: exportCounts(document) },
    });
    return document;
  });
}

/** Row counts per table of an export document. */
function exportCounts(document: CustomerExport): ExportCounts {
  return {
    tags: document.tags.length,
    subscriptions: document.subscriptions.length,
    campaign_audience: document.campaign_audience.length,
    messages: document.messages.length,
    message_events: document.message_events.length,
    events: document.events.length,
    attributions: document.attributions.length,
    ga_sessions: document.ga_sessions.length,
    invoices: document.invoices.length,
    invoice_items: document.invoice_items.length,
    payments: document.payments.length,
    audit_log: document.audit_log.length,
  };
}

const affected = (result: { numDeletedRows?: bigint; numUpdatedRows?: bigint }) =>
  Number(result.numDeletedRows ?? result.numUpdatedRows ?? 0n);

/**
 * Erases a customer (right to be forgotten), in ONE transaction: either all of it happens
 * or nothing does.
 *
 * In order, with the customer row locked first (`FOR UPDATE`, so no message or event can be
 * added to it meanwhile — their foreign-key checks wait for the lock, then fail):
 * 1. inbound webhooks whose raw payload names the customer (id, email or phone) get the
 *    payload redacted;
 * 2. attributions of the customer, or of one of its events, are deleted; other customers'
 *    attributions crediting one of its messages are detached (`message_id` → NULL);
 * 3. message events, messages, events and GA sessions of the customer are deleted (the
 *    seed's foreign keys from these to `customers` do not cascade);
 * 4. the customer's cached invoices are kept for revenue but unlinked and redacted, and so
 *    are the raw payloads of their payments;
 * 5. tags links, subscriptions and campaign-audience rows, then the customer, are deleted;
 * 6. earlier audit rows about the customer get `before`/`after` replaced by `REDACTED`;
 * 7. one `customer.erase` audit row is written with row counts only (`EraseResult`), and
 *    `customer.erased` is emitted after the commit.
 *
 * Not covered: anonymous events (no `customer_id`) are not linked to the person by
 * GreenTrack and stay; the ZeroInvoice / provider copies are the host's to erase (the
 * event carries `externalZeroinvoiceCustomerId` for that).
 *
 * @throws `CUSTOMER_NOT_FOUND` when the customer is not in the scope's organization.
 */
export async function eraseCustomer(scope: Scope, customerId: string): Promise<EraseResult> {
  return inTransaction(scope, async (tx) => {
    const { db, organizationId: org } = tx;
    const found = await getCustomer(tx, customerId);
    const id = found.id;
    const customer = await db
      .selectFrom('customers')
      .select(['id', 'email', 'phone', 'external_zeroinvoice_customer_id'])
      .where('id', '=', id)
      .where('organization_id', '=', org)
      .forUpdate()
      .executeTakeFirstOrThrow();

    // 1. Raw inbound webhooks that name the customer: by id, email or phone digits (a
    //    phone matches however the provider punctuates "+1…"; short numbers are skipped to
    //    avoid matching unrelated digits). A scan of the organization's webhooks: erase is rare.
    const needles = [containing(id)];
    if (customer.email) needles.push(containing(customer.email));
    const phoneDigits = customer.phone?.replace(/\D/g, '') ?? '';
    if (phoneDigits.length >= 8) needles.push(containing(phoneDigits));
    const webhooks = await db
      .updateTable('webhooks_inbound')
      .set({ payload: toJson(REDACTED), headers: null, error: null })
      .where('organization_id', '=', org)
      .where((eb) => eb.or(needles.map((n) => eb(sql`lower(payload::text)`, 'like', n))))
      .executeTakeFirst();

    // 2. Attributions: the customer's own, and any whose conversion event is the customer's.
    const attributions = await db
      .deleteFrom('attributions')
      .where('organization_id', '=', org)
      .where((eb) =>
        eb.or([eb('customer_id', '=', id), eb('event_id', 'in', eventIdsOf(db, org, id))]),
      )
      .executeTakeFirst();
    const detachedAttributions = await db
      .updateTable('attributions')
      .set({ message_id: null })
      .where('organization_id', '=', org)
      .where('message_id', 'in', messageIdsOf(db, org, id))
      .executeTakeFirst();

    // 3. History whose foreign keys to customers do not cascade.
    const messageEvents = await db
      .deleteFrom('message_events')
      .where('message_id', 'in', messageIdsOf(db, org, id))
      .executeTakeFirst();
    const messages = await db
      .deleteFrom('messages')
      .where('organization_id', '=', org)
      .where('customer_id', '=', id)
      .executeTakeFirst();
    const events = await db
      .deleteFrom('events')
      .where('organization_id', '=', org)
      .where('customer_id', '=', id)
      .executeTakeFirst();
    const gaSessions = await db
      .deleteFrom('ga_sessions')
      .where('organization_id', '=', org)
      .where('customer_id', '=', id)
      .executeTakeFirst();

    // 4. Invoices and payments stay (revenue, accounting) without the person: payments
    //    first, while the invoices still say which are the customer's.
    const payments = await db
      .updateTable('payments')
      .set({ raw_payload: toJson(REDACTED) })
      .where('organization_id', '=', org)
      .where('external_invoice_id', 'in', (eb) =>
        eb
          .selectFrom('zeroinvoice_invoices_cache as i')
          .select('i.external_invoice_id')
          .where('i.organization_id', '=', org)
          .where('i.customer_id', '=', id),
      )
      .executeTakeFirst();
    const invoices = await db
      .updateTable('zeroinvoice_invoices_cache')
      .set({
        customer_id: null,
        external_customer_id: null,
        stripe_payment_link: null,
        snapshot: toJson(REDACTED),
      })
      .where('organization_id', '=', org)
      .where('customer_id', '=', id)
      .executeTakeFirst();

    // 5. The rows that would cascade, deleted explicitly so they can be counted; then the customer.
    const customerTags = await db
      .deleteFrom('customer_tags')
      .where('customer_id', '=', id)
      .executeTakeFirst();
    const subscriptions = await db
      .deleteFrom('subscriptions')
      .where('organization_id', '=', org)
      .where('customer_id', '=', id)
      .executeTakeFirst();
    const audience = await db
      .deleteFrom('campaign_audience')
      .where('customer_id', '=', id)
      .executeTakeFirst();
    const customers = await db
      .deleteFrom('customers')
      .where('id', '=', id)
      .where('organization_id', '=', org)
      .executeTakeFirst();

    // 6. Earlier audit rows keep who did what when, not the personal data they recorded.
    const auditRows = await db
      .updateTable('audit_log')
      .set({
        before: sql`CASE WHEN before IS NULL THEN NULL ELSE ${toJson(REDACTED)}::jsonb END`,
        after: sql`CASE WHEN after IS NULL THEN NULL ELSE ${toJson(REDACTED)}::jsonb END`,
      })
      .where('id', 'in', auditAbout(db, org, id).select('id'))
      .executeTakeFirst();

    const result: EraseResult = {
      customer_id: id,
      erased_at: tx.clock.now(),
      deleted: {
        customers: affected(customers),
        customer_tags: affected(customerTags),
        subscriptions: affected(subscriptions),
        campaign_audience: affected(audience),
        messages: affected(messages),
        message_events: affected(messageEvents),
        events: affected(events),
        attributions: affected(attributions),
        ga_sessions: affected(gaSessions),
      },
      detached: { attributions: affected(detachedAttributions) },
      redacted: {
        zeroinvoice_invoices_cache: affected(invoices),
        payments: affected(payments),
        audit_log: affected(auditRows),
        webhooks_inbound: affected(webhooks),
      },
    };
    // 7. Written last, so step 6 cannot redact it. Counts only: no name, email or phone.
    await recordAudit(tx, {
      action: 'customer.erase',
      entity: 'customer',
      entityId: id,
      after: { deleted: result.deleted, detached: result.detached, redacted: result.redacted },
    });
    tx.emit('customer.erased', {
      organizationId: org,
      customerId: id,
      externalZeroinvoiceCustomerId: customer.external_zeroinvoice_customer_id,
      actor: tx.actor,
    });
    return result;
  });
}
