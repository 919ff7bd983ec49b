/**
 * The public side of the pipeline: a provider's request → its integration account →
 * verification by the provider's `WebhookSource` → the raw row stored and COMMITTED → (for a
 * small payload) processing inline → the source's acknowledgement.
 *
 * Nothing is stored for a request that fails verification: the account's failure counter
 * is the only trace (`webhook_verification_failures`), written only for an account that
 * exists for the path's provider, so guessing ids cannot create rows.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { toJson } from '../db/values.js';
import { GreenTrackError } from '../errors.js';
import { readIntegrationCredentials } from '../integrations/index.js';
import type { ModuleDeps } from '../module.js';
import type {
  InboundWebhookRequest,
  VerifiedWebhook,
  WebhookAcknowledgement,
  WebhookOutcome,
  WebhookProvider,
  WebhookSource,
} from '../providers/webhooks.js';
import { inTransaction, type Scope } from '../scope.js';
import { WebhookErrorCode } from './error-codes.js';
import { webhookRuntime } from './options.js';
import { processStoredWebhook } from './process.js';
import { webhookScope } from './webhook-scope.js';

/** Headers that carry credentials whatever the provider; never stored. */
const ALWAYS_SECRET = ['authorization', 'cookie', 'proxy-authorization'];
const REDACTED = '[redacted]';

const uuid = z.uuid();

/** The one answer for every request that cannot be verified (see `WEBHOOK_UNVERIFIED`). */
function unverified(): GreenTrackError {
  return new GreenTrackError({
    code: WebhookErrorCode.WEBHOOK_UNVERIFIED,
    message: 'The webhook could not be verified',
  });
}

/**
 * A `WebhookSignatureError` from an adapter. Recognised by shape, not `instanceof`: an
 * adapter may load another copy of core (its build beside core's sources in a monorepo).
 */
function signatureFailure(error: unknown): { reason: string } | undefined {
  if (!(error instanceof Error) || error.name !== 'WebhookSignatureError') return undefined;
  const reason = (error as Error & { reason?: unknown }).reason;
  return { reason: typeof reason === 'string' ? reason : 'bad_signature' };
}

/** The headers as stored: lower-case names, secrets replaced by `[redacted]`. */
function redactHeaders(
  headers: Readonly<Record<string, string>>,
  secretHeaders: readonly string[] = [],
): Record<string, string> {
  const secret = new Set([...ALWAYS_SECRET, ...secretHeaders.map((h) => h.toLowerCase())]);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    out[key] = secret.has(key) ? REDACTED : value;
  }
  return out;
}

/** The active account of `provider` with this id, read across organizations (the path names only the id). */
async function findAccount(deps: ModuleDeps, provider: WebhookProvider, accountId: string) {
  if (!uuid.safeParse(accountId).success) return undefined;
  return deps.database
    .system('a webhook names only its integration account, which gives the organization')
    .selectFrom('integration_accounts')
    .select(['id', 'organization_id', 'status'])
    .where('id', '=', accountId)
    .where('provider', '=', provider)
    .executeTakeFirst();
}

/** Counts a failed verification on the account, with why. Its own transaction: nothing else is written. */
async function countFailure(scope: Scope, accountId: string, reason: string): Promise<void> {
  const now = scope.clock.now();
  await scope.db
    .insertInto('webhook_verification_failures')
    .values({
      integration_account_id: accountId,
      organization_id: scope.organizationId,
      failures: 1,
      last_reason: reason,
      last_failed_at: now,
    })
    .onConflict((oc) =>
      oc.column('integration_account_id').doUpdateSet({
        failures: sql`webhook_verification_failures.failures + 1`,
        last_reason: reason,
        last_failed_at: now,
      }),
    )
    .execute();
}

/** Stores a verified request and its receipt in one transaction; emits `webhook.received` after the commit. */
async function store(
  scope: Scope,
  source: WebhookSource,
  accountId: string,
  request: InboundWebhookRequest,
  verified: VerifiedWebhook,
): Promise<string> {
  return inTransaction(scope, async (tx) => {
    const { id } = await tx.db
      .insertInto('webhooks_inbound')
      .values({
        organization_id: tx.organizationId,
        provider: source.provider,
        event_type: verified.eventType,
        headers: toJson(redactHeaders(request.headers, source.secretHeaders)),
        // `undefined` is not JSON; a source that stores nothing stores null.
        payload: toJson((verified.payload ?? null) as Record<string, unknown>),
        received_at: request.receivedAt,
        status: 'pending',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.db
      .insertInto('webhook_receipts')
      .values({
        webhook_id: id,
        organization_id: tx.organizationId,
        integration_account_id: accountId,
        event_count: verified.eventCount,
      })
      .execute();
    tx.emit('webhook.received', {
      organizationId: tx.organizationId,
      webhookId: id,
      provider: source.provider,
      integrationAccountId: accountId,
      eventType: verified.eventType,
      eventCount: verified.eventCount,
    });
    return id;
  });
}

/** `{"received":true}` with 200: what a source without `acknowledge` answers. */
function defaultAcknowledgement(): WebhookAcknowledgement {
  return { status: 200, contentType: 'application/json', body: '{"received":true}' };
}

/**
 * Handles one webhook request end to end and returns the response for the provider.
 *
 * The response is the acknowledgement even when processing failed: the row is stored
 * (`failed`, with its error, for `reprocess` or `replay`), and a provider told to retry
 * would only deliver the same payload again, for as long as the cause lasts.
 * @throws `WEBHOOK_PROVIDER_NOT_CONFIGURED` (404); `WEBHOOK_UNVERIFIED` (401) for an unknown,
 * disabled or other-provider account and for a request the source rejects.
 */
export async function receiveWebhook(
  deps: ModuleDeps,
  provider: WebhookProvider,
  accountId: string,
  request: InboundWebhookRequest,
): Promise<WebhookAcknowledgement> {
  const source = webhookRuntime(deps).sources.get(provider);
  if (!source) {
    throw new GreenTrackError({
      code: WebhookErrorCode.WEBHOOK_PROVIDER_NOT_CONFIGURED,
      message: `No webhook source is configured for ${provider} (providers.webhooks)`,
    });
  }
  const account = await findAccount(deps, provider, accountId);
  if (!account) throw unverified();
  const scope = webhookScope(deps, account.organization_id);
  if (account.status !== 'active') {
    await countFailure(scope, account.id, 'account_disabled');
    throw unverified();
  }
  const credentials = await readIntegrationCredentials(scope, deps.keyring(), account.id);
  let verified: VerifiedWebhook;
  try {
    verified = await source.verify(request, credentials);
  } catch (error) {
    const failure = signatureFailure(error);
    if (!failure) throw error;
    await countFailure(scope, account.id, failure.reason);
    throw unverified();
  }
  const webhookId = await store(scope, source, account.id, request, verified);
  let outcome: WebhookOutcome = { replies: [] };
  if (verified.eventCount <= webhookRuntime(deps).options.inlineMaxEvents) {
    try {
      const result = await processStoredWebhook(
        deps,
        { id: webhookId, organizationId: account.organization_id },
        {
          skipLocked: true,
          onlyPending: true,
          timeoutMs: webhookRuntime(deps).options.inlineTimeoutMs,
        },
      );
      outcome = { replies: result.replies };
    } catch {
      // The row is committed and still pending (its transaction rolled back): the worker
      // processes it. Answering an error would only make the provider send it again.
    }
  }
  return (source.acknowledge ?? defaultAcknowledgement)(outcome);
}
