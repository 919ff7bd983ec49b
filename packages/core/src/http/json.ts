/**
 * What a value looks like after `JSON.stringify`: `Date` becomes an ISO string. Route
 * handlers return rows through `toJson` so their TypeScript type matches the OpenAPI
 * response schema (where timestamps are strings).
 */
export type Jsonified<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

/** Converts dates to ISO strings, recursively (plain objects and arrays only). */
export function jsonify<T>(value: T): Jsonified<T> {
  if (value instanceof Date) return value.toISOString() as Jsonified<T>;
  if (Array.isArray(value)) return value.map((v) => jsonify(v)) as Jsonified<T>;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonify(v);
    return out as Jsonified<T>;
  }
  return value as Jsonified<T>;
}
