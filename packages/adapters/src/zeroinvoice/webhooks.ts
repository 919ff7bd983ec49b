/**
 * ZeroInvoice's webhooks (or any producer speaking Standard Webhooks with ZeroInvoice's
 * payloads) as a core `WebhookSource`: `webhook-id`, `webhook-timestamp` and
 * `webhook-signature` checked by `verifyStandardWebhook` against core's clock, the body
 * stored as sent, read back by `zeroInvoiceEffects`.
 */
import {
  type InboundWebhookRequest,
  type StoredWebhook,
  type VerifiedWebhook,
  type WebhookCredentials,
  type WebhookEffect,
  WebhookSignatureError,
  type WebhookSource,
} from '@greentrack/core';
import {
  isWebhookVerificationError,
  StandardWebhookErrorCode,
  type VerifiedStandardWebhook,
  verifyStandardWebhook,
} from '../standard-webhooks/index.js';
import { zeroInvoiceEffects } from './events.js';

/** Options of {@link zeroinvoiceWebhooks}. */
export interface ZeroInvoiceWebhooksOptions {
  /**
   * How far `webhook-timestamp` may be from now, in seconds, either way.
   * @default 300
   */
  toleranceSeconds?: number;
}

const REASON: Readonly<Record<string, string>> = {
  [StandardWebhookErrorCode.WEBHOOK_SECRET_INVALID]: 'bad_credentials',
  [StandardWebhookErrorCode.WEBHOOK_SIGNATURE_MISSING]: 'missing_header',
  [StandardWebhookErrorCode.WEBHOOK_SIGNATURE_INVALID]: 'bad_signature',
  [StandardWebhookErrorCode.WEBHOOK_TIMESTAMP_OUT_OF_RANGE]: 'stale_timestamp',
  [StandardWebhookErrorCode.WEBHOOK_TIMESTAMP_INVALID]: 'malformed',
  [StandardWebhookErrorCode.WEBHOOK_PAYLOAD_INVALID]: 'malformed',
};

/**
 * Verifies against each secret in turn: the account's `webhookSecret` may list the old and
 * the new secret separated by whitespace while the receiver side rotates (the sender's
 * rotation, several signatures in one header, needs nothing here). The last refusal is
 * the one reported, unless an earlier secret got past the signature.
 */
function verifyWithAny(
  secrets: readonly string[],
  request: InboundWebhookRequest,
  toleranceSeconds: number,
): VerifiedStandardWebhook {
  let refusal: unknown;
  for (const secret of secrets) {
    try {
      return verifyStandardWebhook({
        secret,
        headers: request.headers,
        rawBody: request.rawBody,
        toleranceSeconds,
        now: () => request.receivedAt,
      });
    } catch (error) {
      // Past the signature (stale, not JSON) another secret cannot do better.
      if (
        isWebhookVerificationError(error) &&
        error.code !== StandardWebhookErrorCode.WEBHOOK_SIGNATURE_INVALID &&
        error.code !== StandardWebhookErrorCode.WEBHOOK_SECRET_INVALID
      )
        throw error;
      refusal = error;
    }
  }
  throw refusal;
}

/**
 * The ZeroInvoice webhook source. Each organization's `zeroinvoice` integration account
 * holds the endpoint's Standard Webhooks secret as `webhookSecret` (`whsec_<base64>`); the
 * endpoint is `{base}/webhooks/zeroinvoice/{integrationAccountId}`. Invoice events update
 * the invoice cache, payment events record payments (see `zeroInvoiceEffects` for the
 * shapes).
 *
 * @example
 * import { zeroinvoiceWebhooks } from '@greentrack/adapters/zeroinvoice';
 * const gt = await createGreenTrack({ providers: { webhooks: [zeroinvoiceWebhooks()] } });
 */
export function zeroinvoiceWebhooks(options: ZeroInvoiceWebhooksOptions = {}): WebhookSource {
  const toleranceSeconds = options.toleranceSeconds ?? 300;
  return {
    provider: 'zeroinvoice',
    verify(request: InboundWebhookRequest, credentials: WebhookCredentials): VerifiedWebhook {
      const secrets = (credentials.webhookSecret ?? '').split(/\s+/).filter(Boolean);
      if (secrets.length === 0) {
        throw new WebhookSignatureError(
          'missing_secret',
          'The ZeroInvoice integration account has no webhookSecret',
        );
      }
      let verified: VerifiedStandardWebhook;
      try {
        verified = verifyWithAny(secrets, request, toleranceSeconds);
      } catch (error) {
        if (!isWebhookVerificationError(error)) throw error;
        throw new WebhookSignatureError(REASON[error.code] ?? 'bad_signature', error.message);
      }
      const type = (verified.payload as { type?: unknown } | null)?.type;
      return {
        eventType: typeof type === 'string' ? type : null,
        payload: verified.payload,
        eventCount: 1,
      };
    },
    interpret(webhook: StoredWebhook): WebhookEffect[] {
      return zeroInvoiceEffects(webhook.payload);
    },
  };
}
