/**
 * Integration accounts: an organization's connected provider accounts (Twilio, SendGrid,
 * Stripe, …) with their credentials encrypted at rest by a `Keyring`.
 *
 * What leaves this module about a secret is its masked hint and the id of the key that
 * encrypted it. Plaintext comes out of exactly one function, `readIntegrationCredentials`,
 * for provider adapters on the server; it is never part of an output, an audit row or an
 * error. RBAC is checked by the facade (`integration.read` / `integration.manage`).
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/index.js';
import { type Clock, systemClock } from '../clock.js';
import { isUniqueViolation } from '../db/pg-errors.js';
import type { Database, IntegrationAccountsTable } from '../db/types.js';
import { toJson } from '../db/values.js';
import { GreenTrackError, isGreenTrackError } from '../errors.js';
import { inTransaction, type Scope } from '../scope.js';
import {
  type Credentials,
  type CredentialsContext,
  createKeyring,
  credentialsEnvelopeSchema,
  type Keyring,
} from '../secrets/index.js';
import { parseInput } from '../validation.js';
import { IntegrationErrorCode } from './error-codes.js';
import {
  type IntegrationAccountCreate,
  type IntegrationAccountOut,
  type IntegrationAccountQuery,
  type IntegrationAccountUpdate,
  integrationAccountCreateSchema,
  integrationAccountQuerySchema,
  integrationAccountUpdateSchema,
} from './schema.js';

type IntegrationAccountRow = Selectable<IntegrationAccountsTable>;

/** The seed's UNIQUE (organization_id, provider, name), by Postgres's default name. */
const UNIQUE_NAME_CONSTRAINT = 'integration_accounts_organization_id_provider_name_key';
const idSchema = z.uuid();

/**
 * The public view of a row. Reads only the envelope's hints and key id; a value that is not
 * an envelope (e.g. written by hand) shows no hints rather than anything of its content.
 */
function toOut(row: IntegrationAccountRow): IntegrationAccountOut {
  const envelope = credentialsEnvelopeSchema.safeParse(row.credentials);
  return {
    id: row.id,
    organization_id: row.organization_id,
    provider: row.provider,
    name: row.name,
    status: row.status,
    credential_hints: envelope.success ? envelope.data.hints : {},
    key_id: envelope.success ? envelope.data.kid : null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function contextOf(
  row: Pick<IntegrationAccountRow, 'organization_id' | 'provider'>,
): CredentialsContext {
  return { organizationId: row.organization_id, provider: row.provider };
}

function notFound(): GreenTrackError {
  return new GreenTrackError({
    code: IntegrationErrorCode.INTEGRATION_NOT_FOUND,
    message: 'Integration account not found',
  });
}

function exists(cause: unknown): GreenTrackError {
  return new GreenTrackError({
    code: IntegrationErrorCode.INTEGRATION_EXISTS,
    message: 'This organization already has an account for this provider with this name',
    details: { issues: [{ path: 'name', message: 'already used for this provider' }] },
    cause,
  });
}

/**
 * The scope's row with this id. A malformed id and another organization's id are reported
 * exactly like a missing one, so ids cannot be probed across tenants.
 */
async function findRow(
  scope: Scope,
  accountId: string,
  options: { forUpdate?: boolean } = {},
): Promise<IntegrationAccountRow> {
  const id = idSchema.safeParse(accountId);
  if (!id.success) throw notFound();
  let query = scope.db
    .selectFrom('integration_accounts')
    .selectAll()
    .where('id', '=', id.data)
    .where('organization_id', '=', scope.organizationId);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/** The organization's integration accounts, oldest first, optionally filtered. */
export async function listIntegrationAccounts(
  scope: Scope,
  query: IntegrationAccountQuery = {},
): Promise<IntegrationAccountOut[]> {
  const filters = parseInput(integrationAccountQuerySchema, query);
  let q = scope.db
    .selectFrom('integration_accounts')
    .selectAll()
    .where('organization_id', '=', scope.organizationId);
  if (filters.provider !== undefined) q = q.where('provider', '=', filters.provider);
  if (filters.status !== undefined) q = q.where('status', '=', filters.status);
  const rows = await q.orderBy('created_at').orderBy('id').execute();
  return rows.map(toOut);
}

/** One integration account of the organization. @throws `INTEGRATION_NOT_FOUND` */
export async function getIntegrationAccount(
  scope: Scope,
  accountId: string,
): Promise<IntegrationAccountOut> {
  return toOut(await findRow(scope, accountId));
}

/**
 * Connects a provider account, encrypting its credentials under the keyring's current key.
 * @example
 * await createIntegrationAccount(scope, keyring, {
 *   provider: 'sendgrid',
 *   credentials: { apiKey: 'SG.…' },
 * }); // → { name: 'default', credential_hints: { apiKey: '••••wxyz' }, … }
 * @throws `VALIDATION_FAILED` naming the bad fields; `INTEGRATION_EXISTS` when the
 * organization has an account for this provider under this name.
 */
export async function createIntegrationAccount(
  scope: Scope,
  keyring: Keyring,
  input: IntegrationAccountCreate,
): Promise<IntegrationAccountOut> {
  const data = parseInput(integrationAccountCreateSchema, input);
  const envelope = keyring.encrypt(data.credentials, {
    organizationId: scope.organizationId,
    provider: data.provider,
  });
  try {
    return await inTransaction(scope, async (tx) => {
      const now = tx.clock.now();
      const row = await tx.db
        .insertInto('integration_accounts')
        .values({
          organization_id: tx.organizationId,
          provider: data.provider,
          name: data.name,
          credentials: toJson({ ...envelope }),
          status: data.status,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const account = toOut(row);
      await recordAudit(tx, {
        action: 'integration.create',
        entity: 'integration_account',
        entityId: account.id,
        after: account,
      });
      return account;
    });
  } catch (error) {
    if (isUniqueViolation(error, UNIQUE_NAME_CONSTRAINT)) throw exists(error);
    throw error;
  }
}

/**
 * Renames, enables/disables, or replaces the credentials of an account. `credentials`
 * replaces the whole set (re-encrypted under the current key); an empty update changes
 * nothing and writes no audit row.
 * @throws `INTEGRATION_NOT_FOUND`, `VALIDATION_FAILED`, `INTEGRATION_EXISTS` (rename clash).
 */
export async function updateIntegrationAccount(
  scope: Scope,
  keyring: Keyring,
  accountId: string,
  input: IntegrationAccountUpdate,
): Promise<IntegrationAccountOut> {
  const data = parseInput(integrationAccountUpdateSchema, input);
  try {
    return await inTransaction(scope, async (tx) => {
      const beforeRow = await findRow(tx, accountId, { forUpdate: true });
      const before = toOut(beforeRow);
      if (data.name === undefined && data.credentials === undefined && data.status === undefined) {
        return before;
      }
      const credentials =
        data.credentials === undefined
          ? undefined
          : toJson({ ...keyring.encrypt(data.credentials, contextOf(beforeRow)) });
      const row = await tx.db
        .updateTable('integration_accounts')
        .set({
          ...(data.name !== undefined && { name: data.name }),
          ...(data.status !== undefined && { status: data.status }),
          ...(credentials !== undefined && { credentials }),
          updated_at: tx.clock.now(),
        })
        .where('id', '=', beforeRow.id)
        .where('organization_id', '=', tx.organizationId)
        .returningAll()
        .executeTakeFirstOrThrow();
      const after = toOut(row);
      await recordAudit(tx, {
        action: 'integration.update',
        entity: 'integration_account',
        entityId: after.id,
        before,
        // Hints alone may not change when a secret is replaced by one ending alike; say so.
        after: { ...after, credentials_replaced: data.credentials !== undefined },
      });
      return after;
    });
  } catch (error) {
    if (isUniqueViolation(error, UNIQUE_NAME_CONSTRAINT)) throw exists(error);
    throw error;
  }
}

/** Disconnects an account; its encrypted credentials go with the row. @throws `INTEGRATION_NOT_FOUND` */
export async function deleteIntegrationAccount(scope: Scope, accountId: string): Promise<void> {
  await inTransaction(scope, async (tx) => {
    const row = await findRow(tx, accountId, { forUpdate: true });
    await tx.db.deleteFrom('integration_accounts').where('id', '=', row.id).execute();
    await recordAudit(tx, {
      action: 'integration.delete',
      entity: 'integration_account',
      entityId: row.id,
      before: toOut(row),
    });
  });
}

/**
 * The decrypted credentials of an account, for provider adapters on the server. Never
 * return this from an HTTP route or put it in a log, event or audit row.
 * @throws `INTEGRATION_NOT_FOUND`; `CREDENTIALS_KEY_UNKNOWN` / `CREDENTIALS_DECRYPT_FAILED`
 * when the stored envelope cannot be decrypted with `keyring`.
 */
export async function readIntegrationCredentials(
  scope: Scope,
  keyring: Keyring,
  accountId: string,
): Promise<Credentials> {
  const row = await findRow(scope, accountId);
  return withAccountDetails(row, () => keyring.decrypt(row.credentials, contextOf(row)));
}

/** Adds which account failed to a keyring error, so an operator can find the bad row. */
function withAccountDetails<T>(row: IntegrationAccountRow, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (!isGreenTrackError(error)) throw error;
    throw new GreenTrackError({
      code: error.code,
      message: error.message,
      details: {
        ...error.details,
        integrationAccountId: row.id,
        organizationId: row.organization_id,
      },
      cause: error.cause,
    });
  }
}

/** Options of `rotateCredentialsKey`. */
export interface RotateCredentialsKeyOptions {
  /**
   * What can decrypt the existing rows: the old secret, or a keyring (e.g. the running
   * instance's, whose previous secrets include the old one).
   */
  from: Keyring | string;
  /** The new secret; every row ends up encrypted under its key. */
  to: string;
  /** Time of the audit rows. @default the system clock */
  clock?: Clock;
}

/** Rows read and re-encrypted per round trip, to bound memory on large tables. */
const ROTATE_BATCH = 500;

/**
 * Re-encrypts every integration account whose credentials are not under `to`'s key, across
 * all organizations, in ONE transaction: either every row moves to the new key or none does.
 * Writes one `integration.rotate_key` audit row (actor: system) per organization touched,
 * holding key ids and account ids only. Idempotent: a second call re-encrypts nothing.
 *
 * `updated_at` is left alone: the account (name, status, credentials) did not change, only
 * how its credentials are stored; the audit row and `key_id` record the rotation.
 *
 * Rotation procedure: deploy with the new `secret` and the old one among the previous
 * secrets, run this, then drop the old secret.
 * @example
 * await rotateCredentialsKey(gt.db, { from: process.env.OLD_SECRET, to: process.env.GREENTRACK_SECRET });
 * @throws `CREDENTIALS_KEY_UNKNOWN` / `CREDENTIALS_DECRYPT_FAILED` (naming the account) when a
 * row cannot be decrypted with `from`; nothing is changed then.
 */
export async function rotateCredentialsKey(
  db: Kysely<Database>,
  options: RotateCredentialsKeyOptions,
): Promise<{ reencrypted: number }> {
  const target = createKeyring(options.to);
  const source = typeof options.from === 'string' ? createKeyring(options.from) : options.from;
  const clock = options.clock ?? systemClock;
  // Rotation emits no events; the transaction helper still wants somewhere to queue them.
  return inTransaction({ db, emit: () => {} }, async (tx) => {
    const touched = new Map<string, { accountIds: string[]; fromKeyIds: Set<string> }>();
    let reencrypted = 0;
    let afterId: string | undefined;
    for (;;) {
      let query = tx.db
        .selectFrom('integration_accounts')
        .selectAll()
        .where(sql<boolean>`credentials->>'kid' IS DISTINCT FROM ${target.currentKeyId}`)
        .orderBy('id')
        .limit(ROTATE_BATCH)
        .forUpdate();
      if (afterId !== undefined) query = query.where('id', '>', afterId);
      const rows = await query.execute();
      for (const row of rows) {
        const context = contextOf(row);
        const credentials = withAccountDetails(row, () => source.decrypt(row.credentials, context));
        const envelope = target.encrypt(credentials, context);
        await tx.db
          .updateTable('integration_accounts')
          .set({ credentials: toJson({ ...envelope }) })
          .where('id', '=', row.id)
          .execute();
        const entry = touched.get(row.organization_id) ?? { accountIds: [], fromKeyIds: new Set() };
        entry.accountIds.push(row.id);
        const oldKid = credentialsEnvelopeSchema.safeParse(row.credentials);
        if (oldKid.success) entry.fromKeyIds.add(oldKid.data.kid);
        touched.set(row.organization_id, entry);
        reencrypted++;
      }
      const last = rows.at(-1);
      if (rows.length < ROTATE_BATCH || !last) break;
      afterId = last.id;
    }
    for (const [organizationId, entry] of touched) {
      await recordAudit(
        { ...tx, organizationId, actor: { type: 'system', id: null }, role: 'owner', clock },
        {
          action: 'integration.rotate_key',
          entity: 'integration_account',
          before: { key_ids: [...entry.fromKeyIds].sort() },
          after: { key_id: target.currentKeyId, account_ids: entry.accountIds },
        },
      );
    }
    return { reencrypted };
  });
}
