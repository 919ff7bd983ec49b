/**
 * Short-lived signed tokens the host mints for widgets (`gt.tokens.issue(...)`), sent as
 * `Authorization: Bearer <token>`.
 *
 * Format: `gt1.<payload>.<signature>`, both base64url; the signature is HMAC-SHA256 over
 * `gt1.<payload>` with a key derived (HKDF) from the configured secret for this purpose
 * only, so a token key can never decrypt credentials and vice versa. A token names one
 * user in one organization; it grants nothing the user's role does not, and `scopes` can
 * narrow it further (e.g. a read-only dashboard token).
 */
import { z } from 'zod';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import { purposeKey, signatureMatches, signData } from '../secrets/index.js';
import { parseInput } from '../validation.js';

const PREFIX = 'gt1';

/** What `gt.tokens.issue` takes. */
export interface TokenRequest {
  userId: string;
  organizationId: string;
  /** Lifetime in seconds. @default 900 (15 minutes) */
  ttlSeconds?: number;
  /**
   * RBAC actions the token may perform, exact (`organization.read`) or by prefix
   * (`membership.*`). Omitted: everything the user's role allows.
   */
  scopes?: string[];
}

/** The verified content of a token. */
export interface TokenClaims {
  userId: string;
  organizationId: string;
  /** Issued at / expires at, in seconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
  scopes: string[] | undefined;
}

const requestSchema = z.object({
  userId: z.uuid(),
  organizationId: z.uuid(),
  ttlSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .default(900),
  scopes: z
    .array(z.string().regex(/^[a-z_]+(\.[a-z_]+|\.\*)?$|^\*$/, 'an action name or prefix.*'))
    .max(100)
    .optional(),
});

const payloadSchema = z.object({
  sub: z.string(),
  org: z.string(),
  iat: z.number(),
  exp: z.number(),
  scp: z.array(z.string()).optional(),
});

function unauthenticated(message: string, reason: string): GreenTrackError {
  return new GreenTrackError({
    code: CommonErrorCode.UNAUTHENTICATED,
    message,
    details: { reason },
  });
}

/** Issues and verifies tokens with one secret. */
export interface TokenService {
  /** Mints a token. @throws `VALIDATION_FAILED` for bad input. */
  issue(request: TokenRequest): string;
  /** Verifies a token. @throws `UNAUTHENTICATED` (malformed, bad signature, expired). */
  verify(token: string): TokenClaims;
}

/** Creates the token service for `secret`, reading time from `now`. */
export function createTokenService(secret: string, now: () => Date): TokenService {
  const key = purposeKey(secret, 'greentrack/widget-tokens/v1');
  return {
    issue(request) {
      const data = parseInput(requestSchema, request, { what: 'token request' });
      const iat = Math.floor(now().getTime() / 1000);
      const payload = {
        sub: data.userId,
        org: data.organizationId,
        iat,
        exp: iat + data.ttlSeconds,
        ...(data.scopes ? { scp: data.scopes } : {}),
      };
      const body = `${PREFIX}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
      return `${body}.${signData(key, body)}`;
    },
    verify(token) {
      const parts = token.split('.');
      if (parts.length !== 3 || parts[0] !== PREFIX)
        throw unauthenticated('Malformed token', 'malformed');
      const body = `${parts[0]}.${parts[1]}`;
      if (!signatureMatches(key, body, parts[2] ?? '')) {
        throw unauthenticated('Invalid token signature', 'signature');
      }
      let payload: z.infer<typeof payloadSchema>;
      try {
        payload = payloadSchema.parse(
          JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')),
        );
      } catch {
        throw unauthenticated('Malformed token', 'malformed');
      }
      if (payload.exp <= Math.floor(now().getTime() / 1000))
        throw unauthenticated('Token expired', 'expired');
      return {
        userId: payload.sub,
        organizationId: payload.org,
        issuedAt: payload.iat,
        expiresAt: payload.exp,
        scopes: payload.scp,
      };
    },
  };
}
