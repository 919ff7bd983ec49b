/**
 * Google Analytics forwarding, read and checked by people: the status the dashboard shows
 * (conversions per state, the last error) and a check of the organization's account
 * against GA's validation server.
 */
import { GreenTrackError } from '../errors.js';
import type { AnalyticsForwarder, MeasurementRequest } from '../providers/analytics.js';
import { ProviderError } from '../providers/messaging.js';
import type { Scope } from '../scope.js';
import type { Keyring } from '../secrets/index.js';
import { findGaAccount, readGaCredentials } from './account.js';
import { GaForwardingErrorCode } from './error-codes.js';
import type { GaForwardingStatus, GaValidation } from './schema.js';

/** What the services need from the instance. */
export interface GaServiceDeps {
  analytics: AnalyticsForwarder | undefined;
  keyring: () => Keyring;
}

const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

/** The forwarding status of the organization's GA account. */
export async function gaForwardingStatus(
  scope: Scope,
  deps: GaServiceDeps,
): Promise<GaForwardingStatus> {
  const account = await findGaAccount(scope);
  const status: GaForwardingStatus = {
    configured: deps.analytics !== undefined,
    integration_account_id: account?.id ?? null,
    counts: { pending: 0, sent: 0, failed: 0, skipped: 0 },
    skipped_reasons: {},
    last_error: null,
    last_sent_at: null,
  };
  if (!account) return status;
  const forwards = scope.db
    .selectFrom('ga_conversion_forwards')
    .where('organization_id', '=', scope.organizationId)
    .where('integration_account_id', '=', account.id);
  const groups = await forwards
    .select(['status', 'reason', (eb) => eb.fn.countAll<string>().as('count')])
    .groupBy(['status', 'reason'])
    .execute();
  for (const group of groups) {
    const count = Number(group.count);
    status.counts[group.status] += count;
    if (group.status === 'skipped' && group.reason !== null)
      status.skipped_reasons[group.reason] = (status.skipped_reasons[group.reason] ?? 0) + count;
  }
  const lastError = await forwards
    .select(['event_id', 'status', 'last_error', 'updated_at'])
    .where('last_error', 'is not', null)
    .where('status', 'in', ['pending', 'failed'])
    .orderBy('updated_at', 'desc')
    .orderBy('event_id')
    .limit(1)
    .executeTakeFirst();
  if (lastError?.last_error) {
    status.last_error = {
      event_id: lastError.event_id,
      status: lastError.status as 'pending' | 'failed',
      error: lastError.last_error,
      at: iso(lastError.updated_at) as string,
    };
  }
  const lastSent = await forwards.select((eb) => eb.fn.max('sent_at').as('at')).executeTakeFirst();
  status.last_sent_at = iso(lastSent?.at ?? null);
  return status;
}

/** The request an account check sends: one purchase, as the pass sends them. */
const SAMPLE_REQUEST: MeasurementRequest = {
  client_id: '1234567890.1234567890',
  events: [
    {
      name: 'purchase',
      params: {
        transaction_id: 'greentrack-account-check',
        value: 12.34,
        currency: 'USD',
        source: 'greentrack',
        medium: 'email',
        campaign: 'account_check',
      },
    },
  ],
};

/**
 * Checks the organization's GA account: its credentials are complete, and GA's validation
 * server (`/debug/mp/collect`, which records nothing) accepts a purchase as the pass would
 * send it. The validation server does not check the API secret.
 * @throws `GA_ACCOUNT_NOT_FOUND`, `GA_FORWARDING_NOT_CONFIGURED`, `GA_ACCOUNT_INVALID`,
 * `GA_PROVIDER_FAILED`
 */
export async function validateGaAccount(scope: Scope, deps: GaServiceDeps): Promise<GaValidation> {
  const account = await findGaAccount(scope);
  if (!account) {
    throw new GreenTrackError({
      code: GaForwardingErrorCode.GA_ACCOUNT_NOT_FOUND,
      message:
        'The organization has no active google_analytics account: connect one under integrations',
    });
  }
  if (!deps.analytics) {
    throw new GreenTrackError({
      code: GaForwardingErrorCode.GA_FORWARDING_NOT_CONFIGURED,
      message:
        'No analytics forwarder is configured: set providers.analytics in createGreenTrack (e.g. googleAnalytics())',
    });
  }
  const credentials = await readGaCredentials(scope, deps.keyring(), account.id);
  try {
    const messages = await deps.analytics.validate(credentials, SAMPLE_REQUEST);
    return {
      integration_account_id: account.id,
      valid: messages.length === 0,
      request: { ...SAMPLE_REQUEST },
      validation_messages: messages.map(({ fieldPath, description, validationCode }) => ({
        fieldPath,
        description,
        validationCode,
      })),
    };
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    throw new GreenTrackError({
      code: GaForwardingErrorCode.GA_PROVIDER_FAILED,
      message: `Google Analytics' validation server could not check the account: ${error.message}`,
      details: { providerCode: error.code, retryable: error.kind === 'transient' },
      cause: error,
    });
  }
}
