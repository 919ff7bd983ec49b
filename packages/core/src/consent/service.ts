/**
 * Consent: whether each customer may be messaged on each channel.
 *
 * Two inputs decide it:
 * - the customer's stored status per channel (`subscriptions`, at most one row per
 *   organization, customer and channel): `subscribed`, `unsubscribed`, `bounced` or
 *   `complained` — or no row at all;
 * - the organization's policy per channel (`organization_settings.consent_policy`), which
 *   only matters for customers with no row: `opt_out` sends to them, `opt_in` does not.
 *   Defaults: email opt-out, SMS opt-in ({@link DEFAULT_CONSENT_POLICY}).
 *
 * A customer without an address for the channel (email / phone) can never be sent to.
 * The rule lives twice, on purpose: `consentDecision` (TypeScript, for one customer, with a
 * reason) and `consentAllowsSql` (one SQL expression, for whole audiences). The consent
 * tests check both against the same table of every combination.
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { recordAudit } from '../audit/index.js';
import { CustomerErrorCode } from '../customers/index.js';
import type {
  Channel,
  ConsentMode,
  ConsentPolicy,
  Database,
  SubscriptionStatus,
} from '../db/types.js';
import { toJson } from '../db/values.js';
import { GreenTrackError } from '../errors.js';
import { inTransaction, type Scope } from '../scope.js';
import { changeSettingsRow } from '../settings/index.js';
import { isUuid, parseInput } from '../validation.js';
import {
  type ConsentPolicyUpdate,
  consentChangeSchema,
  consentPolicyUpdateSchema,
  type consentReasonSchema,
} from './schema.js';

export type { ConsentMode, ConsentPolicy } from '../db/types.js';

/** Why a customer can or cannot receive on a channel (see `consentReasonSchema`). */
export type ConsentReason = (typeof consentReasonSchema.options)[number];

/**
 * The policy of an organization that never set one: email is opt-out (send unless the
 * customer unsubscribed, bounced or complained), SMS is opt-in (send only to customers who
 * subscribed) — the common legal baseline (e.g. CAN-SPAM for email, TCPA for SMS). Equal to
 * the column default of `organization_settings.consent_policy`.
 */
export const DEFAULT_CONSENT_POLICY: Readonly<ConsentPolicy> = Object.freeze({
  email: 'opt_out',
  sms: 'opt_in',
});

/** The customer column holding the address of each channel. */
const ADDRESS_COLUMN = { email: 'email', sms: 'phone' } as const satisfies Record<
  Channel,
  keyof Database['customers']
>;

/** Statuses that block sending whatever the policy says. */
const BLOCKING_STATUSES: ReadonlySet<SubscriptionStatus> = new Set([
  'unsubscribed',
  'bounced',
  'complained',
]);

/** One channel of a customer's consent. */
export interface ChannelConsent {
  /** The stored status, or `null` when the customer never had one on this channel. */
  status: SubscriptionStatus | null;
  /** When the stored status last changed; `null` without one. */
  updatedAt: Date | null;
  /** The organization's mode for this channel. */
  mode: ConsentMode;
  /** Whether the customer has an address for this channel (email / phone). */
  hasAddress: boolean;
  /** Whether a campaign may send to this customer on this channel now. */
  canSend: boolean;
  reason: ConsentReason;
}

/** A customer's consent on every channel. */
export interface CustomerConsent {
  customerId: string;
  email: ChannelConsent;
  sms: ChannelConsent;
}

/** Options of `setCustomerConsent`. */
export interface ConsentSetOptions {
  /**
   * Where the change came from (`signup_form`, `support_call`, a provider name…); kept in
   * the audit row and the `consent.changed` event.
   * @default null
   */
  source?: string | null;
}

/**
 * The consent rule for one customer and channel. Precedence: a blocking status
 * (unsubscribed, bounced, complained), then a missing address, then `subscribed`, then the
 * policy's mode for a customer with no status.
 *
 * @example
 * consentDecision('opt_out', null, true);      // { canSend: true, reason: 'opt_out_default' }
 * consentDecision('opt_in', null, true);       // { canSend: false, reason: 'not_subscribed' }
 * consentDecision('opt_in', 'subscribed', false); // { canSend: false, reason: 'no_address' }
 */
export function consentDecision(
  mode: ConsentMode,
  status: SubscriptionStatus | null,
  hasAddress: boolean,
): { canSend: boolean; reason: ConsentReason } {
  if (status !== null && BLOCKING_STATUSES.has(status))
    return { canSend: false, reason: status as ConsentReason };
  if (!hasAddress) return { canSend: false, reason: 'no_address' };
  if (status === 'subscribed') return { canSend: true, reason: 'subscribed' };
  return mode === 'opt_out'
    ? { canSend: true, reason: 'opt_out_default' }
    : { canSend: false, reason: 'not_subscribed' };
}

/** The checked channel and the references into the customer row both SQL forms use. */
function customerRefs(channel: Channel, options: { customerTable?: string }) {
  const checked = parseInput(consentChangeSchema.pick({ channel: true }), { channel }).channel;
  const table = options.customerTable ?? 'customers';
  return {
    checked,
    table,
    id: sql.ref(`${table}.id`),
    address: sql.ref(`${table}.${ADDRESS_COLUMN[checked]}`),
  };
}

/**
 * A boolean SQL expression over a `customers` row: true exactly when that customer may
 * receive on `channel` under the organization's policy (the same rule as
 * `consentDecision`). One expression for a whole audience — no query per customer: the
 * customer's stored status (at most one row per organization, customer and channel) is one
 * probe of the `subscriptions` unique index; with a row, only `subscribed` sends; without
 * one, the organization's policy decides (an uncorrelated sub-select, evaluated once).
 * A customer of another organization never passes.
 *
 * Correlated probes, not `id IN (SELECT …)` sets: Postgres hashes such a set only while it
 * fits in `work_mem`, and past that (≈ 200k subscriptions at the default 4 MB) it rescans
 * the whole list for every customer — a 1M-customer count went from seconds to > 10 minutes.
 *
 * `channel` is checked here (an unknown one throws `VALIDATION_FAILED`); values travel as
 * parameters, `customerTable` as a quoted identifier.
 *
 * @param options.customerTable the name or alias of `customers` in the query. @default 'customers'
 * @example
 * const reachable = await db
 *   .selectFrom('customers as c')
 *   .select(['c.id', 'c.email'])
 *   .where(consentAllowsSql(organizationId, 'email', { customerTable: 'c' }))
 *   .execute();
 * // WHERE ("c"."organization_id" = $1 AND "c"."email" IS NOT NULL AND coalesce(
 * //   (SELECT s.status = 'subscribed' FROM subscriptions s WHERE s.organization_id = $2
 * //      AND s.customer_id = "c"."id" AND s.channel = $3),
 * //   coalesce((SELECT os.consent_policy ->> $4::text FROM organization_settings os
 * //             WHERE os.organization_id = $5), $6) = 'opt_out'))
 */
export function consentAllowsSql(
  organizationId: string,
  channel: Channel,
  options: { customerTable?: string } = {},
): RawBuilder<SqlBool> {
  const { checked, table, id, address } = customerRefs(channel, options);
  // The sub-select yields NULL exactly when there is no stored status, and only then does
  // the policy decide; `status` is NOT NULL, so a stored row always yields TRUE or FALSE.
  return sql<SqlBool>`(${sql.ref(`${table}.organization_id`)} = ${organizationId} AND ${address} IS NOT NULL AND coalesce(
  (SELECT s.status = 'subscribed' FROM subscriptions s WHERE s.organization_id = ${organizationId} AND s.customer_id = ${id} AND s.channel = ${checked}),
  coalesce((SELECT os.consent_policy ->> ${checked}::text FROM organization_settings os WHERE os.organization_id = ${organizationId}), ${DEFAULT_CONSENT_POLICY[checked]}) = 'opt_out'))`;
}

/**
 * The rule of `consentAllowsSql` with the organization's `mode` for the channel already read
 * (`getConsentPolicy`, in the same transaction): opt-out lets through customers with an
 * address and NO blocking status, opt-in those with a `subscribed` one (a customer has at
 * most one status per channel). Written as a top-level `NOT EXISTS` / `EXISTS`, which
 * Postgres plans as an anti- or semi-join over `subscriptions`, as a hand-written audience
 * query would be, instead of one correlated probe per customer (~30 % more time for a
 * 100k snapshot, decision 120).
 *
 * Beyond `work_mem` a hash join splits into batches on disk and stays linear; the planner
 * may as well pick a merge or index nested-loop join. It is the uncorrelated `IN (SELECT …)`
 * set of decision 19 that, unhashed, rescans its list per customer; no such set here.
 *
 * @example
 * const mode = (await getConsentPolicy(scope)).email;
 * query.where(consentJoinSql(organizationId, 'email', mode));
 * // ("customers"."organization_id" = $1 AND "customers"."email" IS NOT NULL AND NOT EXISTS
 * //   (SELECT 1 FROM subscriptions s WHERE s.organization_id = $2
 * //      AND s.customer_id = "customers"."id" AND s.channel = $3 AND s.status <> 'subscribed'))
 */
export function consentJoinSql(
  organizationId: string,
  channel: Channel,
  mode: ConsentMode,
  options: { customerTable?: string } = {},
): RawBuilder<SqlBool> {
  const { checked, table, id, address } = customerRefs(channel, options);
  const status = (test: RawBuilder<unknown>) =>
    sql`(SELECT 1 FROM subscriptions s WHERE s.organization_id = ${organizationId} AND s.customer_id = ${id} AND s.channel = ${checked} AND ${test})`;
  const stored =
    mode === 'opt_out'
      ? sql`NOT EXISTS ${status(sql`s.status <> 'subscribed'`)}`
      : sql`EXISTS ${status(sql`s.status = 'subscribed'`)}`;
  return sql<SqlBool>`(${sql.ref(`${table}.organization_id`)} = ${organizationId} AND ${address} IS NOT NULL AND ${stored})`;
}

function customerNotFound(): GreenTrackError {
  return new GreenTrackError({
    code: CustomerErrorCode.CUSTOMER_NOT_FOUND,
    message: 'Customer not found',
  });
}

/**
 * The customer's addresses, confined to the scope's organization. With `lock`, the row is
 * held (`FOR NO KEY UPDATE`) so consent changes of one customer run one after another and
 * each sees the status the previous one left.
 */
async function findCustomer(scope: Scope, customerId: string, lock = false) {
  // A malformed id cannot exist; NOT_FOUND (not 400) keeps ids opaque, as in customers.
  if (!isUuid(customerId)) throw customerNotFound();
  let query = scope.db
    .selectFrom('customers')
    .select(['id', 'email', 'phone'])
    .where('id', '=', customerId)
    .where('organization_id', '=', scope.organizationId);
  if (lock) query = query.forNoKeyUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw customerNotFound();
  return row;
}

/** The stored policy, or the default for an organization without a settings row. */
async function readPolicy(scope: Scope, lock = false): Promise<ConsentPolicy> {
  let query = scope.db
    .selectFrom('organization_settings')
    .select('consent_policy')
    .where('organization_id', '=', scope.organizationId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  // The CHECK constraint guarantees both keys; extra keys (none today) are not passed on.
  return row
    ? { email: row.consent_policy.email, sms: row.consent_policy.sms }
    : { ...DEFAULT_CONSENT_POLICY };
}

/** The organization's consent policy (defaults when never set). */
export async function getConsentPolicy(scope: Scope): Promise<ConsentPolicy> {
  return readPolicy(scope);
}

/**
 * Changes the mode of the channels given (admin+). Audited with before/after and emitted as
 * `consent.policy_changed` after commit; a call that changes nothing writes nothing.
 * @throws `VALIDATION_FAILED` for an unknown channel or mode, naming the field.
 * @example
 * await org.consent.policy.set({ sms: 'opt_out' }); // email keeps its mode
 */
export async function setConsentPolicy(
  scope: Scope,
  input: ConsentPolicyUpdate,
): Promise<ConsentPolicy> {
  const update = parseInput(consentPolicyUpdateSchema, input ?? {}, { what: 'consent policy' });
  const apply = (policy: ConsentPolicy): ConsentPolicy => ({
    email: update.email ?? policy.email,
    sms: update.sms ?? policy.sms,
  });
  const unchanged = (a: ConsentPolicy, b: ConsentPolicy) => a.email === b.email && a.sms === b.sms;
  return changeSettingsRow(scope, {
    read: readPolicy,
    apply,
    same: unchanged,
    columns: (after) => ({ consent_policy: toJson({ ...after }) }),
    audit: { action: 'consent_policy.update', entity: 'consent_policy' },
    changed: (tx, before, after) =>
      tx.emit('consent.policy_changed', {
        organizationId: tx.organizationId,
        policy: after,
        previousPolicy: before,
        actor: tx.actor,
      }),
  });
}

/**
 * A customer's consent on each channel: the stored status (or `null`), the organization's
 * mode, whether an address is on file, and whether a campaign may send (`canSend`, with the
 * `reason`). @throws `CUSTOMER_NOT_FOUND` (also for another organization's customer)
 */
export async function getCustomerConsent(
  scope: Scope,
  customerId: string,
): Promise<CustomerConsent> {
  const customer = await findCustomer(scope, customerId);
  const rows = await scope.db
    .selectFrom('subscriptions')
    .select(['channel', 'status', 'updated_at'])
    .where('organization_id', '=', scope.organizationId)
    .where('customer_id', '=', customer.id)
    .execute();
  const policy = await readPolicy(scope);
  const view = (channel: Channel): ChannelConsent => {
    const row = rows.find((r) => r.channel === channel);
    const status = row?.status ?? null;
    const hasAddress = customer[ADDRESS_COLUMN[channel]] !== null;
    return {
      status,
      updatedAt: row?.updated_at ?? null,
      mode: policy[channel],
      hasAddress,
      ...consentDecision(policy[channel], status, hasAddress),
    };
  };
  return { customerId: customer.id, email: view('email'), sms: view('sms') };
}

/**
 * Records a customer's status on one channel (upsert on the seed's UNIQUE (organization_id,
 * customer_id, channel)); `updated_at` comes from the scope's clock. The change is audited
 * (before/after, with `source`) in the same transaction and emitted as `consent.changed`
 * after commit. Setting the status the customer already has is a no-op: no write, no audit
 * row, no event. Returns the customer's consent after the change.
 *
 * @throws `VALIDATION_FAILED` naming `channel`, `status` or `source`; `CUSTOMER_NOT_FOUND`.
 * @example
 * await org.consent.set(customerId, 'sms', 'subscribed', { source: 'checkout_checkbox' });
 */
export async function setCustomerConsent(
  scope: Scope,
  customerId: string,
  channel: Channel,
  status: SubscriptionStatus,
  options: ConsentSetOptions = {},
): Promise<CustomerConsent> {
  const change = parseInput(
    consentChangeSchema,
    { channel, status, source: options?.source },
    { what: 'consent' },
  );
  return inTransaction(scope, async (tx) => {
    const customer = await findCustomer(tx, customerId, true);
    const before = await tx.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('organization_id', '=', tx.organizationId)
      .where('customer_id', '=', customer.id)
      .where('channel', '=', change.channel)
      .executeTakeFirst();
    if (before?.status === change.status) return getCustomerConsent(tx, customer.id);
    const now = tx.clock.now();
    const after = await tx.db
      .insertInto('subscriptions')
      .values({
        organization_id: tx.organizationId,
        customer_id: customer.id,
        channel: change.channel,
        status: change.status,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc
          .columns(['organization_id', 'customer_id', 'channel'])
          .doUpdateSet({ status: change.status, updated_at: now }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      action: before ? 'subscription.update' : 'subscription.create',
      entity: 'subscription',
      entityId: after.id,
      before,
      after: { ...after, source: change.source },
    });
    tx.emit('consent.changed', {
      organizationId: tx.organizationId,
      customerId: customer.id,
      channel: change.channel,
      status: change.status,
      previousStatus: before?.status ?? null,
      source: change.source,
      actor: tx.actor,
    });
    return getCustomerConsent(tx, customer.id);
  });
}
