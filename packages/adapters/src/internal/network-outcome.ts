/**
 * Whether a request that failed without an HTTP answer may have reached the provider.
 * Only a failure to open the connection proves nothing was sent (`not_sent`); once bytes
 * may have left (a timeout, a reset, an abort), the provider may have accepted the message
 * and the outcome is `unknown` — the dispatcher then resends only through an idempotent
 * provider, never blindly.
 */

/** Error codes (Node, axios, undici) raised before a connection existed. */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
]);

/** The `code` of `error` or of the errors in its `cause` chain. */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, cause, errors } = current as {
      code?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof code === 'string') codes.push(code);
    // Happy-eyeballs connects fail with an AggregateError of one error per address.
    if (Array.isArray(errors)) for (const inner of errors) codes.push(...errorCodes(inner));
    current = cause;
  }
  return codes;
}

/** `not_sent` when the error proves no connection was made, else `unknown`. */
export function networkOutcome(error: unknown): 'not_sent' | 'unknown' {
  const codes = errorCodes(error);
  return codes.length > 0 && codes.every((code) => NEVER_CONNECTED.has(code))
    ? 'not_sent'
    : 'unknown';
}

/** The first error code in `error`'s cause chain (`ECONNREFUSED`), or `fallback`. */
export function networkErrorCode(error: unknown, fallback: string): string {
  return errorCodes(error)[0] ?? fallback;
}

/** A short description of a network failure for the failure reason (`ECONNREFUSED: …`). */
export function networkErrorText(error: unknown): string {
  const [code] = errorCodes(error);
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined || message.includes(code) ? message : `${code}: ${message}`;
}
