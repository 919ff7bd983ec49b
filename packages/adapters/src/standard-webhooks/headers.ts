/**
 * The three header names the Standard Webhooks spec requires ("follow the exact naming").
 * Producers set them; `verifyStandardWebhook` reads them case-insensitively.
 *
 * @example
 * const timestamp = Math.floor(Date.now() / 1000);
 * const headers = {
 *   [STANDARD_WEBHOOK_HEADERS.id]: id,
 *   [STANDARD_WEBHOOK_HEADERS.timestamp]: String(timestamp),
 *   [STANDARD_WEBHOOK_HEADERS.signature]: signStandardWebhook({ secret, id, timestamp, rawBody }),
 * };
 */
export const STANDARD_WEBHOOK_HEADERS = {
  /** Unique message id; stays the same across retries, so use it as the idempotency key. */
  id: 'webhook-id',
  /** Unix time in whole seconds of this delivery attempt (not of the event). */
  timestamp: 'webhook-timestamp',
  /** Space-delimited list of `<version>,<base64 signature>` entries. */
  signature: 'webhook-signature',
} as const;

/**
 * Anything with a Fetch-style `get(name)`: the global `Headers`, undici's, node-fetch's.
 * Matched structurally rather than with `instanceof Headers`, because polyfills and other
 * realms bring their own `Headers` class.
 *
 * @example
 * const headers: HeadersLike = { get: (name) => lookup.get(name.toLowerCase()) ?? null };
 */
export interface HeadersLike {
  get(name: string): string | null;
}

/**
 * Request headers as a Fetch `Headers` object or a plain record such as Node's
 * `IncomingMessage.headers` (`string | string[] | undefined` values, any key casing).
 *
 * @example
 * verifyStandardWebhook({ secret, rawBody, headers: request.headers }); // Fetch Request
 * verifyStandardWebhook({ secret, rawBody, headers: req.headers }); // Node / Express
 */
export type WebhookHeaders =
  | HeadersLike
  | Readonly<Record<string, string | readonly string[] | undefined>>;

function isHeadersLike(headers: WebhookHeaders): headers is HeadersLike {
  return typeof (headers as { get?: unknown }).get === 'function';
}

/**
 * Reads one header by lower-case `name`, case-insensitively, trimmed; `undefined` when absent
 * or blank.
 *
 * Repeated values are joined with `", "`, which is what `Headers.get` and Node do for repeated
 * header lines. Doing the same for plain records means both input kinds yield the same string,
 * so a duplicated `webhook-id` fails the signature check identically everywhere instead of one
 * form silently picking the first value.
 */
export function readHeader(headers: WebhookHeaders, name: string): string | undefined {
  let value: string | undefined;
  if (isHeadersLike(headers)) {
    value = headers.get(name) ?? undefined;
  } else {
    const parts: string[] = [];
    // Walk every key: a record may hold both `Webhook-Id` and `webhook-id` (hand-built
    // objects, proxies that re-case headers), and HTTP header names are case-insensitive.
    for (const [key, raw] of Object.entries(headers)) {
      if (key.toLowerCase() !== name || raw === undefined) continue;
      if (typeof raw === 'string') parts.push(raw);
      else parts.push(...raw);
    }
    value = parts.length === 0 ? undefined : parts.map((part) => part.trim()).join(', ');
  }
  // Fetch already strips surrounding whitespace; records built by hand may not.
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
