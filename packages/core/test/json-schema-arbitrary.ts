/**
 * fast-check arbitraries from the JSON Schemas of the API's OpenAPI document, for the subset
 * `@hono/zod-openapi` emits: `$ref` into components, `anyOf`/`oneOf`, `type` (also as a list,
 * e.g. `["string", "null"]`), `enum`, objects (`properties`, `required`,
 * `additionalProperties` false or a schema), strings (`minLength`, `maxLength`, `format`
 * uuid / date-time), integers and numbers (`minimum`, `maximum`, `multipleOf`), booleans, arrays
 * (`items`, `minItems`, `maxItems`) and `{}` (any JSON).
 *
 * `validValue` draws values the schema accepts (boundaries included: a string of exactly
 * `maxLength`, the extreme integers); `hostileValue` draws a valid value and breaks it in
 * one place (a wrong type, an oversized or unstorable string, deep nesting, a huge array,
 * an unknown or missing key) or replaces it outright. Generated lengths are capped so a run
 * stays fast; the boundary cases carry the long ones.
 */
import fc from 'fast-check';
import type { JsonSchema } from './openapi.js';

/** Resolves `$ref`s against `components.schemas`. */
export type Components = Record<string, JsonSchema>;

/**
 * Values a schema cannot describe — a rule tree is `{}` (any JSON), a country is any string,
 * a `userId` must name a real user — by property name: the generator draws them three times
 * out of four for that property. In a query, `undefined` leaves the parameter out.
 */
export type Samples = Record<string, readonly unknown[]>;

/** Longest string / array drawn at random; longer ones only as boundary cases. */
const RANDOM_LENGTH = 24;
const RANDOM_ITEMS = 4;

function resolve(schema: JsonSchema, components: Components): JsonSchema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === 'string'; hops++) {
    const name = current.$ref.split('/').at(-1) ?? '';
    const target = components[name];
    if (!target || hops > 20) throw new Error(`unresolvable $ref ${current.$ref}`);
    current = target;
  }
  return current;
}

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'date-time')
    return fc
      .date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString());
  if (schema.format === 'binary') return fc.string({ maxLength: RANDOM_LENGTH });
  const minLength = num(schema.minLength) ?? 0;
  const maxLength = num(schema.maxLength) ?? 1000;
  const lengths = { minLength, maxLength: Math.max(minLength, Math.min(maxLength, RANDOM_LENGTH)) };
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ ...lengths, unit: 'grapheme-ascii' }) },
    { weight: 2, arbitrary: fc.string({ ...lengths, unit: 'grapheme' }) },
    // Boundaries: the shortest and the longest accepted.
    { weight: 1, arbitrary: fc.constant('x'.repeat(Math.max(minLength, 1))) },
    { weight: 1, arbitrary: fc.constant('é'.repeat(num(schema.maxLength) ?? RANDOM_LENGTH)) },
  );
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = num(schema.minimum);
  const max = num(schema.maximum);
  const step = num(schema.multipleOf);
  if (step !== undefined) {
    // k / (1 / step) is the double nearest to k steps (0.3, not 3 × 0.1 = 0.30000000000000004).
    const per = 1 / step;
    return fc
      .integer({ min: Math.ceil((min ?? -1e6) * per), max: Math.floor((max ?? 1e6) * per) })
      .map((k) => (Number.isInteger(per) ? k / per : k * step));
  }
  if (integer)
    return fc.integer({
      min: min ?? Number.MIN_SAFE_INTEGER,
      max: max ?? Number.MAX_SAFE_INTEGER,
    });
  return fc.double({
    min: min ?? -1e6,
    max: max ?? 1e6,
    noNaN: true,
    noDefaultInfinity: true,
  });
}

/** Values `schema` accepts. */
export function validValue(
  schema: JsonSchema,
  components: Components,
  samples: Samples = {},
  property = '',
): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  const sample = samples[property];
  if (sample && sample.length > 0)
    return fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...sample) },
      { weight: 1, arbitrary: validValue(s, components, {}, property) },
    );
  const alternatives = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (alternatives)
    return fc.oneof(...alternatives.map((a) => validValue(a, components, samples, property)));
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  if (Array.isArray(s.type))
    return fc.oneof(
      ...(s.type as string[]).map((type) =>
        validValue({ ...s, type }, components, samples, property),
      ),
    );
  switch (s.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return numberArbitrary(s, true);
    case 'number':
      return numberArbitrary(s, false);
    case 'string':
      return stringArbitrary(s);
    case 'array': {
      const minLength = num(s.minItems) ?? 0;
      const maxItems = num(s.maxItems) ?? RANDOM_ITEMS;
      return fc.array(validValue((s.items ?? {}) as JsonSchema, components, samples, property), {
        minLength,
        maxLength: Math.max(minLength, Math.min(maxItems, RANDOM_ITEMS)),
      });
    }
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
      const required = (s.required ?? []) as string[];
      const record = fc.record(
        Object.fromEntries(
          Object.entries(properties).map(([key, p]) => [
            key,
            validValue(p, components, samples, key),
          ]),
        ),
        { requiredKeys: required },
      ) as fc.Arbitrary<Record<string, unknown>>;
      const extra = s.additionalProperties;
      if (extra && typeof extra === 'object') {
        const dictionary = fc.dictionary(
          fc.string({ minLength: 1, maxLength: 12 }),
          validValue(extra as JsonSchema, components, samples),
          { maxKeys: RANDOM_ITEMS },
        );
        return fc.tuple(record, dictionary).map(([known, more]) => ({ ...more, ...known }));
      }
      return record;
    }
    default:
      // `{}`: any JSON (give `samples` for meaningful values).
      return fc.jsonValue({ maxDepth: 3 });
  }
}

/** `{"a": {"a": … 1}}`, `depth` levels, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** Strings Postgres cannot store, or that probe limits and parsers. */
export const hostileStrings = [
  '',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\ufeff\u202e',
  '😀'.repeat(50),
  "'; DROP TABLE customers; --",
  '%00',
  '../../etc/passwd',
  '1e400',
  'x'.repeat(20_000),
  ' ',
] as const;

/** A value of some type, probably the wrong one: the ways one JSON value can be bad. */
const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    0,
    -0,
    -1,
    1.5,
    2 ** 53 + 1,
    1e308,
    -1e308,
    5e-324,
    [],
    {},
    ...hostileStrings,
  ),
  fc.constant(null).map(() => nested(3_000)),
  fc.constant(null).map(() => Array.from({ length: 100_000 }, (_, i) => i)),
  fc.constant(null).map(() => Array.from({ length: 2_000 }, () => 'x'.repeat(200))),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Every path to a value inside `value` (the root is `[]`). */
function pathsOf(
  value: unknown,
  prefix: Array<string | number> = [],
): Array<Array<string | number>> {
  const paths = [prefix];
  // Recursive: fine for the shallow values `validValue` draws.
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) paths.push(...pathsOf(v, [...prefix, i]));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) paths.push(...pathsOf(v, [...prefix, k]));
  }
  return paths;
}

/** The object or array at `path`, or undefined. */
function containerAt(value: unknown, path: Array<string | number>): unknown {
  let current = value;
  for (const key of path) current = (current as Record<string | number, unknown>)[key];
  return current;
}

/** `value` with the node at `path` replaced (`path` `[]`: the whole value). */
function replaceAt(value: unknown, path: Array<string | number>, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value);
  const parent = containerAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path.at(-1) as string | number] = replacement;
  return copy;
}

/** Keys no schema declares, including ones that bite naive object handling. */
const unknownKeys = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'bogus', '', 'a\u0000'),
  fc.string({ minLength: 1, maxLength: 10 }),
);

/**
 * A valid value broken in one place: a node replaced by a hostile value, an unknown key
 * added, or a key removed.
 */
export function hostileValue(
  schema: JsonSchema,
  components: Components,
  samples: Samples = {},
): fc.Arbitrary<unknown> {
  return validValue(schema, components, samples).chain((valid) => {
    const paths = pathsOf(valid);
    const objects = paths.filter((p) => {
      const node = containerAt(valid, p);
      return node !== null && typeof node === 'object' && !Array.isArray(node);
    });
    const keyed = paths.filter((p) => typeof p.at(-1) === 'string');
    const mutations: fc.Arbitrary<unknown>[] = [
      fc.tuple(fc.constantFrom(...paths), hostileLeaf).map(([p, bad]) => replaceAt(valid, p, bad)),
    ];
    if (objects.length > 0)
      mutations.push(
        fc.tuple(fc.constantFrom(...objects), unknownKeys, hostileLeaf).map(([p, key, bad]) => {
          const copy = structuredClone(valid);
          // defineProperty: `__proto__` becomes an own, serialized key like any other.
          Object.defineProperty(containerAt(copy, p), key, {
            value: bad,
            enumerable: true,
            configurable: true,
            writable: true,
          });
          return copy;
        }),
      );
    if (keyed.length > 0)
      mutations.push(
        fc.constantFrom(...keyed).map((p) => {
          const copy = structuredClone(valid);
          delete (containerAt(copy, p.slice(0, -1)) as Record<string, unknown>)[p.at(-1) as string];
          return copy;
        }),
      );
    return fc.oneof(...mutations);
  });
}
