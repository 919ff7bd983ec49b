/**
 * The organization's Google Analytics account: its oldest active `google_analytics`
 * integration account (as payment links pick their account), and its credentials
 * `{ measurementId, apiSecret }` read through the keyring.
 */
import { GreenTrackError } from '../errors.js';
import { readIntegrationCredentials } from '../integrations/index.js';
import type { GoogleAnalyticsCredentials } from '../providers/analytics.js';
import type { Scope } from '../scope.js';
import type { Keyring } from '../secrets/index.js';
import { GaForwardingErrorCode } from './error-codes.js';

/** The integration provider whose accounts conversions are forwarded through. */
export const GA_PROVIDER = 'google_analytics';

/** An active GA account: its id and when it was connected (nothing before is forwarded). */
export interface GaAccount {
  id: string;
  created_at: Date;
}

/** The scope's organization's GA account, or undefined when it has no active one. */
export async function findGaAccount(scope: Scope): Promise<GaAccount | undefined> {
  return scope.db
    .selectFrom('integration_accounts')
    .select(['id', 'created_at'])
    .where('organization_id', '=', scope.organizationId)
    .where('provider', '=', GA_PROVIDER)
    .where('status', '=', 'active')
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirst();
}

/**
 * The account's Measurement Protocol credentials.
 * @throws `GA_ACCOUNT_INVALID` when `measurementId` or `apiSecret` is missing; the keyring's
 * errors when they cannot be decrypted
 */
export async function readGaCredentials(
  scope: Scope,
  keyring: Keyring,
  accountId: string,
): Promise<GoogleAnalyticsCredentials> {
  const credentials = await readIntegrationCredentials(scope, keyring, accountId);
  const measurementId = credentials.measurementId?.trim() ?? '';
  const apiSecret = credentials.apiSecret?.trim() ?? '';
  const missing = [
    ...(measurementId === '' ? ['measurementId'] : []),
    ...(apiSecret === '' ? ['apiSecret'] : []),
  ];
  if (missing.length > 0) {
    throw new GreenTrackError({
      code: GaForwardingErrorCode.GA_ACCOUNT_INVALID,
      message: `The google_analytics account lacks ${missing.join(' and ')} in its credentials`,
      details: { integrationAccountId: accountId, missing },
    });
  }
  return { measurementId, apiSecret };
}
