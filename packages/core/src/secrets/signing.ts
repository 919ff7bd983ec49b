/**
 * HMAC-SHA256 signing with a key per purpose. Each purpose derives its own key from the
 * instance secret with HKDF under its own label, so a key leaked or misused for one purpose
 * (widget tokens, tracking links) can never sign or verify for another, nor decrypt
 * credentials.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** A signing key for one purpose, e.g. `greentrack/tracking-links/v1`. */
export function purposeKey(secret: string, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'greentrack', label, 32));
}

/** The HMAC-SHA256 of `data`, base64url, cut to `bytes` (16 bytes = 128 bits is plenty). */
export function signData(key: Buffer, data: string, bytes = 32): string {
  return createHmac('sha256', key).update(data).digest().subarray(0, bytes).toString('base64url');
}

/**
 * Whether `signature` is `data`'s signature, compared in constant time so that response
 * timing reveals nothing about the right signature.
 */
export function signatureMatches(
  key: Buffer,
  data: string,
  signature: string,
  bytes = 32,
): boolean {
  const expected = Buffer.from(signData(key, data, bytes));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
