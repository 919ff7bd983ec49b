/**
 * Signed tracking tokens: the credential of the public `/t/...` endpoints.
 *
 * A token names one message of one organization, what it is for (`c` click, `o` open,
 * `u` unsubscribe/preferences), an expiry, and for a click the destination URL. Format:
 * `<payload>.<signature>`, both base64url. The payload is binary to keep links short:
 *
 * | bytes | content |
 * | --- | --- |
 * | 1 | kind (`c`, `o`, `u`) |
 * | 16 | organization id |
 * | 16 | message id |
 * | 4 | expiry, seconds since the epoch (unsigned, big-endian) |
 * | rest | destination URL, UTF-8 (clicks only) |
 *
 * The signature is HMAC-SHA256 over `gtt1.<payload>`, cut to 128 bits, with a key derived
 * from the instance secret under its own HKDF label (never the widget-token key). It is
 * checked in constant time BEFORE the payload is read or the expiry looked at: a forged
 * token learns nothing, not even whether it expired.
 */
import { GreenTrackError } from '../errors.js';
import { signatureMatches, signData } from '../secrets/index.js';
import { TrackingErrorCode } from './error-codes.js';

/** What a token is for. */
export type TrackingKind = 'click' | 'open' | 'unsubscribe';

/** The verified content of a tracking token. */
export interface TrackingClaims {
  kind: TrackingKind;
  organizationId: string;
  messageId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  /** The destination of a click token; `null` for the other kinds. */
  url: string | null;
}

/** Signs and verifies tracking tokens with one secret. */
export interface TrackingTokens {
  sign(claims: Omit<TrackingClaims, 'expiresAt'> & { ttlSeconds: number }): string;
  /**
   * Verifies `token` and that it is of `kind`.
   * @throws `TRACKING_TOKEN_INVALID` (malformed, forged, another kind),
   *   `TRACKING_TOKEN_EXPIRED` (genuine but expired).
   */
  verify(token: string, kind: TrackingKind): TrackingClaims;
}

const LABEL = 'greentrack/tracking-links/v1';
const SIGNED_PREFIX = 'gtt1.';
const SIGNATURE_BYTES = 16;
const HEADER_BYTES = 1 + 16 + 16 + 4;
const KIND_BYTE: Record<TrackingKind, number> = { click: 0x63, open: 0x6f, unsubscribe: 0x75 };
/** Longest accepted token: a click's URL is bounded by what browsers and mail clients keep. */
const MAX_TOKEN_LENGTH = 4096;

const uuidBytes = (id: string) => Buffer.from(id.replaceAll('-', ''), 'hex');
const uuidText = (bytes: Buffer) => {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

function invalid(reason: string): GreenTrackError {
  return new GreenTrackError({
    code: TrackingErrorCode.TRACKING_TOKEN_INVALID,
    message: 'This link is not valid',
    details: { reason },
  });
}

/**
 * The destination a click token names, read WITHOUT verifying it: for tokens taken from a
 * body we stored ourselves. `null` for anything else.
 */
export function clickDestination(token: string): string | null {
  const bytes = Buffer.from(token.slice(0, Math.max(0, token.indexOf('.'))), 'base64url');
  if (bytes.length < HEADER_BYTES || bytes[0] !== KIND_BYTE.click) return null;
  return bytes.subarray(HEADER_BYTES).toString('utf8');
}

/**
 * Creates the token signer, reading time from `now`. `signingKey` derives the key of a
 * purpose from the instance secret (`ModuleDeps.signingKey`).
 */
export function createTrackingTokens(
  signingKey: (label: string) => Buffer,
  now: () => Date,
): TrackingTokens {
  const key = signingKey(LABEL);
  return {
    sign({ kind, organizationId, messageId, url, ttlSeconds }) {
      const header = Buffer.alloc(HEADER_BYTES);
      header[0] = KIND_BYTE[kind];
      uuidBytes(organizationId).copy(header, 1);
      uuidBytes(messageId).copy(header, 17);
      header.writeUInt32BE(Math.floor(now().getTime() / 1000) + ttlSeconds, 33);
      const payload = Buffer.concat([header, Buffer.from(url ?? '', 'utf8')]).toString('base64url');
      return `${payload}.${signData(key, SIGNED_PREFIX + payload, SIGNATURE_BYTES)}`;
    },
    verify(token, kind) {
      if (token.length > MAX_TOKEN_LENGTH) throw invalid('malformed');
      const dot = token.indexOf('.');
      if (dot <= 0) throw invalid('malformed');
      const payload = token.slice(0, dot);
      if (!signatureMatches(key, SIGNED_PREFIX + payload, token.slice(dot + 1), SIGNATURE_BYTES))
        throw invalid('signature');
      const bytes = Buffer.from(payload, 'base64url');
      if (bytes.length < HEADER_BYTES || bytes[0] !== KIND_BYTE[kind]) throw invalid('kind');
      const expiresAt = bytes.readUInt32BE(33);
      if (expiresAt <= Math.floor(now().getTime() / 1000)) {
        throw new GreenTrackError({
          code: TrackingErrorCode.TRACKING_TOKEN_EXPIRED,
          message: 'This link has expired',
          details: { reason: 'expired' },
        });
      }
      const url = bytes.subarray(HEADER_BYTES).toString('utf8');
      return {
        kind,
        organizationId: uuidText(bytes.subarray(1, 17)),
        messageId: uuidText(bytes.subarray(17, 33)),
        expiresAt,
        url: kind === 'click' ? url : null,
      };
    },
  };
}
