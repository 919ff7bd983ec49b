import { StandardWebhookErrorCode } from './error-codes.js';
import { WebhookVerificationError } from './errors.js';
import { readHeader, STANDARD_WEBHOOK_HEADERS, type WebhookHeaders } from './headers.js';
import { decodeSecret } from './secret.js';
import { computeSignature, matchesAnySignature, parseSignatureHeader } from './signature.js';

/**
 * Options for {@link verifyStandardWebhook}.
 *
 * @example
 * // Replaying a recorded delivery in a test: pin the clock instead of faking timers.
 * const options: VerifyStandardWebhookOptions = { secret, headers, rawBody, now: () => new Date('2023-01-19T00:13:51Z') };
 */
export interface VerifyStandardWebhookOptions {
  /** The endpoint's signing secret, `whsec_<base64>` (the prefix is optional). */
  secret: string;
  /** The request headers: a Fetch `Headers` or a plain record (any key casing). */
  headers: WebhookHeaders;
  /**
   * The request body exactly as received. Pass `await request.text()` or the raw `Buffer`,
   * never `JSON.stringify(parsedBody)`: re-serialised JSON rarely has the same bytes.
   */
  rawBody: string | Uint8Array;
  /**
   * How far `webhook-timestamp` may be from `now`, in seconds, in either direction. The past
   * bound stops replays of captured requests; the future bound stops an attacker who obtained
   * one signed request from pre-dating a replay window of their own. Must be finite and >= 0.
   * @default 300
   */
  toleranceSeconds?: number;
  /**
   * The clock. Inject a fixed date in tests instead of faking timers.
   * @default () => new Date()
   */
  now?: () => Date;
}

/**
 * A delivery that passed verification.
 *
 * @example
 * const { id, timestamp, payload }: VerifiedStandardWebhook = verifyStandardWebhook(options);
 * const event = zeroInvoiceEvent.parse(payload); // narrow `unknown` with a schema
 */
export interface VerifiedStandardWebhook {
  /** `webhook-id`: the same across retries; dedupe on it before processing. */
  id: string;
  /** `webhook-timestamp` as a `Date` (whole seconds): when this attempt was sent. */
  timestamp: Date;
  /** The body parsed as JSON. `unknown` on purpose: validate it (e.g. with zod) before use. */
  payload: unknown;
}

const DEFAULT_TOLERANCE_SECONDS = 300;

/** Whole seconds since the epoch; `Number.MAX_SAFE_INTEGER` has 16 digits. */
const UNIX_SECONDS = /^[0-9]{1,15}$/;

/**
 * Verifies a Standard Webhooks (v1, HMAC-SHA256) delivery and returns its parsed payload.
 *
 * Checks, in order: the secret decodes; `webhook-id`, `webhook-timestamp` and
 * `webhook-signature` are present; some `v1` entry matches HMAC-SHA256 of
 * `{id}.{timestamp}.{rawBody}` (constant-time; other versions such as `v1a` are ignored); the
 * timestamp is within `toleranceSeconds` of `now()`; the body is UTF-8 JSON. The signature is
 * checked before anything else in the request is interpreted, so an unauthenticated caller can
 * only ever see `WEBHOOK_SIGNATURE_MISSING` or `WEBHOOK_SIGNATURE_INVALID`.
 *
 * This does not dedupe: store `id` and skip repeats, since the same delivery can arrive twice
 * within the tolerance window (retries, or a replay).
 *
 * @throws {@link WebhookVerificationError} with a {@link StandardWebhookErrorCode}.
 * @throws `TypeError` when `toleranceSeconds` or `now()` is not usable (a programming error).
 *
 * @example
 * import { verifyStandardWebhook } from '@greentrack/adapters/standard-webhooks';
 *
 * export async function POST(request: Request): Promise<Response> {
 *   const { id, payload } = verifyStandardWebhook({
 *     secret: process.env.ZEROINVOICE_WEBHOOK_SECRET ?? '',
 *     headers: request.headers,
 *     rawBody: new Uint8Array(await request.arrayBuffer()),
 *   });
 *   await inbox.storeOnce(id, payload);
 *   return new Response(null, { status: 204 });
 * }
 */
export function verifyStandardWebhook(
  options: VerifyStandardWebhookOptions,
): VerifiedStandardWebhook {
  const { secret, headers, rawBody } = options;
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = options.now ?? (() => new Date());
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new TypeError(`toleranceSeconds must be a finite number >= 0, got ${toleranceSeconds}`);
  }

  // Configuration first: a bad secret fails every delivery, and must not look like a forgery.
  const key = decodeSecret(secret);

  const id = requireHeader(headers, STANDARD_WEBHOOK_HEADERS.id);
  const timestampHeader = requireHeader(headers, STANDARD_WEBHOOK_HEADERS.timestamp);
  const signatureHeader = requireHeader(headers, STANDARD_WEBHOOK_HEADERS.signature);

  const entries = parseSignatureHeader(signatureHeader);
  const expected = computeSignature(key, id, timestampHeader, rawBody);
  if (!matchesAnySignature(expected, entries)) {
    const versions = [...new Set(entries.map((entry) => entry.version))];
    throw new WebhookVerificationError({
      code: StandardWebhookErrorCode.WEBHOOK_SIGNATURE_INVALID,
      // Say which versions were present (helps spot a v1a-only producer), but never the
      // expected signature: echoing it would turn this endpoint into a signing oracle.
      message: versions.includes('v1')
        ? 'No v1 signature in webhook-signature matches the body; check the secret and that the raw body is passed unmodified.'
        : 'webhook-signature holds no v1 (HMAC-SHA256) signature.',
      details: { versions },
    });
  }

  // From here on the request is authentic; remaining failures are producer bugs or replays.
  if (!UNIX_SECONDS.test(timestampHeader)) {
    throw new WebhookVerificationError({
      code: StandardWebhookErrorCode.WEBHOOK_TIMESTAMP_INVALID,
      message: 'webhook-timestamp is not an integer number of seconds since the epoch.',
      details: { timestamp: timestampHeader },
    });
  }
  const timestampSeconds = Number(timestampHeader);
  const nowDate = now();
  const nowMs = nowDate instanceof Date ? nowDate.getTime() : Number.NaN;
  if (Number.isNaN(nowMs)) throw new TypeError('now() must return a valid Date');
  const nowSeconds = Math.floor(nowMs / 1000);
  // Inclusive bound in both directions, the same as the official libraries, so a delivery
  // they accept at exactly the limit is accepted here too.
  if (Math.abs(nowSeconds - timestampSeconds) > toleranceSeconds) {
    throw new WebhookVerificationError({
      code: StandardWebhookErrorCode.WEBHOOK_TIMESTAMP_OUT_OF_RANGE,
      message:
        timestampSeconds < nowSeconds
          ? 'webhook-timestamp is too old (possible replay).'
          : 'webhook-timestamp is too far in the future (check the sender clock).',
      details: { timestamp: timestampSeconds, now: nowSeconds, toleranceSeconds },
    });
  }

  return { id, timestamp: new Date(timestampSeconds * 1000), payload: parseJson(rawBody) };
}

function requireHeader(headers: WebhookHeaders, name: string): string {
  const value = readHeader(headers, name);
  if (value === undefined) {
    throw new WebhookVerificationError({
      code: StandardWebhookErrorCode.WEBHOOK_SIGNATURE_MISSING,
      message: `Missing ${name} header; the request is not a signed Standard Webhooks delivery.`,
      details: { header: name },
    });
  }
  return value;
}

/** `fatal: true` so invalid UTF-8 is an error rather than silently becoming U+FFFD. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(rawBody: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof rawBody === 'string' ? rawBody : utf8.decode(rawBody));
  } catch (cause) {
    throw new WebhookVerificationError({
      code: StandardWebhookErrorCode.WEBHOOK_PAYLOAD_INVALID,
      message: 'Webhook body is not valid UTF-8 JSON.',
      cause,
    });
  }
}
