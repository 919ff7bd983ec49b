/**
 * Encoders for column types `pg` would otherwise mangle on the way in.
 */
import type { JsonValue } from './types.js';

/**
 * Encodes a value for a `jsonb` column. `pg` sends a JS array as a Postgres array literal
 * (`{a,b}`), which jsonb rejects, so JSON always goes over the wire as text.
 */
export function toJson(value: JsonValue | Record<string, unknown> | unknown[]): string {
  return JSON.stringify(value);
}

/** Encodes numbers for a `vector(N)` column in pgvector's text form, e.g. `[1,2,3]`. */
export function toVector(values: readonly number[]): string {
  for (const v of values) {
    if (!Number.isFinite(v)) throw new RangeError('vector values must be finite numbers');
  }
  return `[${values.join(',')}]`;
}

/**
 * Reads a `vector(N)` value whether or not pgvector's type parser is registered on the
 * connection (a caller-owned `pg.Pool` may not have it): `number[]` passes through,
 * pgvector text is parsed.
 */
export function fromVector(value: unknown): number[] | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(Number);
  if (typeof value === 'string') {
    const inner = value.trim().replace(/^\[/, '').replace(/\]$/, '');
    return inner === '' ? [] : inner.split(',').map(Number);
  }
  throw new TypeError('not a vector value');
}
