/**
 * Opaque keyset cursors shared by every paginated list: the last row's sort key as
 * base64url JSON. Decoding validates the shape with a zod schema, so a forged or stale
 * cursor fails here as `VALIDATION_FAILED` on `cursor`, never later as an SQL error.
 */
import type { z } from 'zod';
import { CommonErrorCode, GreenTrackError } from '../errors.js';

/** Encodes a sort key as an opaque cursor. */
export function encodeCursor(key: Record<string, string>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The error for a cursor this list did not hand out. */
export function invalidCursor(list: string): GreenTrackError {
  return new GreenTrackError({
    code: CommonErrorCode.VALIDATION_FAILED,
    message: 'Invalid cursor',
    details: { issues: [{ path: 'cursor', message: `not a cursor returned by ${list}` }] },
  });
}

/** Decodes a cursor and checks it against `schema`. @throws `VALIDATION_FAILED` */
export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>, list: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor(list);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw invalidCursor(list);
  return result.data;
}
