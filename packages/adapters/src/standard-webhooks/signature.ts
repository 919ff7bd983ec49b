import { createHmac, timingSafeEqual } from 'node:crypto';

/** Signature identifier of HMAC-SHA256 signatures. `v1a` (ed25519) entries are skipped. */
export const SYMMETRIC_VERSION = 'v1';

/** One `<version>,<signature>` entry of the `webhook-signature` header. */
export interface SignatureEntry {
  version: string;
  signature: string;
}

const encoder = new TextEncoder();

/**
 * The exact bytes that get signed: `{id}.{timestamp}.{body}`.
 *
 * `id` and `timestamp` are the header strings as sent (not re-formatted), and a `Uint8Array`
 * body is used byte for byte: re-serialising parsed JSON or re-encoding text is the classic
 * way to break signatures, which the spec itself warns about.
 */
export function signedContent(id: string, timestamp: string, body: string | Uint8Array): Buffer {
  const bodyBytes = typeof body === 'string' ? encoder.encode(body) : body;
  return Buffer.concat([encoder.encode(`${id}.${timestamp}.`), bodyBytes]);
}

/** Base64 HMAC-SHA256 of {@link signedContent} under `key` (the decoded secret). */
export function computeSignature(
  key: Uint8Array,
  id: string,
  timestamp: string,
  body: string | Uint8Array,
): string {
  return createHmac('sha256', key)
    .update(signedContent(id, timestamp, body))
    .digest('base64');
}

/**
 * Splits a `webhook-signature` value into its entries; entries without a comma are dropped.
 *
 * A trailing comma is stripped from each entry because `Headers.get` and Node join repeated
 * header lines with `", "`: two `webhook-signature` lines arrive as `"v1,AAA=, v1,BBB="`, and
 * without this the first entry would read `AAA=,` and never match. Base64 never ends in a comma,
 * so nothing legitimate is lost.
 *
 * @example
 * parseSignatureHeader('v1,K5oZ...= v1a,hnO3...==');
 * // [{ version: 'v1', signature: 'K5oZ...=' }, { version: 'v1a', signature: 'hnO3...==' }]
 */
export function parseSignatureHeader(value: string): SignatureEntry[] {
  const entries: SignatureEntry[] = [];
  for (const token of value.split(/\s+/)) {
    const entry = token.replace(/,+$/, '');
    const comma = entry.indexOf(',');
    if (comma <= 0) continue;
    entries.push({ version: entry.slice(0, comma), signature: entry.slice(comma + 1) });
  }
  return entries;
}

/**
 * True when any `v1` entry equals `expected` (base64), compared in constant time.
 *
 * We compare the base64 text rather than decoding the candidate: Node's base64 decoder ignores
 * junk characters, so decoding first would accept many spellings of one signature. Lengths are
 * checked before `timingSafeEqual` (which throws on a mismatch); that leaks only the length of
 * an HMAC-SHA256 signature, which is public. Stopping at the first match leaks which entry
 * matched, which is not secret either.
 */
export function matchesAnySignature(expected: string, entries: readonly SignatureEntry[]): boolean {
  const expectedBytes = Buffer.from(expected, 'utf8');
  for (const { version, signature } of entries) {
    // Unknown versions (`v1a` today, something else tomorrow) are skipped, not fatal: a
    // producer may send a v1a signature next to the v1 one, and the spec says to try each.
    if (version !== SYMMETRIC_VERSION) continue;
    const candidate = Buffer.from(signature, 'utf8');
    if (candidate.length === expectedBytes.length && timingSafeEqual(candidate, expectedBytes)) {
      return true;
    }
  }
  return false;
}
