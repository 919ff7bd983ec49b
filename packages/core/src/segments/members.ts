/**
 * Segment membership as SQL: the one WHERE clause that decides who is in a segment (rule,
 * vector, or both), the member query the campaign engine snapshots with `INSERT … SELECT`,
 * an exact count, and the nearest members of a vector or hybrid segment through the HNSW
 * index.
 *
 * Vector semantics: a customer is a member when their embedding's cosine similarity to the
 * segment's query vector is at least `threshold` (similarity = 1 − pgvector's `<=>`
 * distance). Customers without an embedding are never members of vector/hybrid segments.
 */
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { toVector } from '../db/values.js';
import type { Scope } from '../scope.js';
import { type CompileOptions, compileNode, compileRule } from './compile.js';
import { renderLabel, renderRule } from './render.js';
import type { Rule } from './rule-schema.js';

/** The vector half of a segment, already embedded. */
export interface VectorCriterion {
  /** The query vector (same dimension as `customers.embedding`). */
  embedding: readonly number[];
  /** Minimum cosine similarity, in [-1, 1]. */
  threshold: number;
}

/**
 * What decides membership: a rule, a vector criterion, or both (hybrid = rule ∧ vector).
 * At least one must be present.
 */
export interface SegmentDefinition {
  rule?: Rule | undefined;
  vector?: VectorCriterion | undefined;
}

/** The vector as a bind parameter, cast once so `<=>` resolves to pgvector's operator. */
function vectorParam(embedding: readonly number[]): RawBuilder<unknown> {
  return sql`${toVector(embedding)}::vector`;
}

/** Cosine distance of the customer's embedding to `embedding`. */
function distanceTo(embedding: readonly number[]): RawBuilder<number> {
  return sql<number>`(${sql.ref('customers.embedding')} <=> ${vectorParam(embedding)})`;
}

function compileOptions(scope: Scope): CompileOptions {
  return { organizationId: scope.organizationId, now: scope.clock.now() };
}

/**
 * The membership condition on `customers`, confined to the scope's organization. For a
 * vector criterion the distance test is written as `distance <= 1 - threshold`, the form
 * that lets Postgres compute the distance once per candidate row.
 */
export function segmentWhere(scope: Scope, definition: SegmentDefinition): Expression<SqlBool> {
  const options = compileOptions(scope);
  const parts: Array<Expression<SqlBool>> = [
    definition.rule
      ? compileRule(definition.rule, options)
      : sql<SqlBool>`${sql.ref('customers.organization_id')} = ${options.organizationId}`,
  ];
  if (definition.vector) {
    const { embedding, threshold } = definition.vector;
    parts.push(
      sql<SqlBool>`(${sql.ref('customers.embedding')} IS NOT NULL AND ${distanceTo(embedding)} <= ${1 - threshold})`,
    );
  }
  return sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
}

/** Top-level children of an `any` root: members are told which of them they matched. */
function anyChildren(rule: Rule | undefined): Rule[] | null {
  return rule && 'any' in rule ? rule.any : null;
}

/**
 * `included_reason` for each member, as SQL text built from bind parameters only:
 * - the rule's rendering (for an `any` root, only the alternatives this member matched);
 * - for vector criteria, `similarity 0.873`.
 */
function reasonSql(scope: Scope, definition: SegmentDefinition): RawBuilder<string> {
  const parts: RawBuilder<unknown>[] = [];
  const alternatives = anyChildren(definition.rule);
  if (alternatives) {
    const options = compileOptions(scope);
    for (const child of alternatives) {
      parts.push(
        sql`CASE WHEN ${compileNode(child, options)} THEN ${renderLabel(child)}::text END`,
      );
    }
  } else if (definition.rule) {
    parts.push(sql`${renderRule(definition.rule)}::text`);
  }
  if (definition.vector) {
    const similarity = sql`round((1 - ${distanceTo(definition.vector.embedding)})::numeric, 3)`;
    parts.push(sql`'similarity ' || ${similarity}::text`);
  }
  return sql<string>`concat_ws('; ', ${sql.join(parts)})`;
}

/**
 * The segment's members as a Kysely query over `customers` selecting `customer_id` and
 * `included_reason`. Callers may add columns (e.g. the address for a channel) and use it as
 * the source of ONE `INSERT … SELECT`, so an audience snapshot never crosses the wire.
 *
 * @example
 * await scope.db
 *   .insertInto('campaign_audience')
 *   .columns(['campaign_run_id', 'customer_id', 'channel', 'address', 'included_reason'])
 *   .expression(
 *     segmentMembersQuery(scope, definition)
 *       .where('customers.email', 'is not', null)
 *       .select((eb) => [eb.val(runId).as('run'), eb.val('email').as('channel'), 'customers.email']),
 *   )
 *   .execute();
 */
export function segmentMembersQuery(scope: Scope, definition: SegmentDefinition) {
  return scope.db
    .selectFrom('customers')
    .where(segmentWhere(scope, definition))
    .select([
      sql.ref<string>('customers.id').as('customer_id'),
      reasonSql(scope, definition).as('included_reason'),
    ]);
}

/** Exact number of members (every candidate row is tested; no index approximation). */
export async function countSegmentMembers(
  scope: Scope,
  definition: SegmentDefinition,
): Promise<number> {
  const { n } = await scope.db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where(segmentWhere(scope, definition))
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** One member of a vector or hybrid segment, nearest first. */
export interface NearestMember {
  customerId: string;
  /** Cosine similarity to the segment's query vector. */
  similarity: number;
}

/** Options of {@link nearestSegmentMembers}. */
export interface NearestOptions {
  /** How many members at most. @default 100 */
  limit?: number;
  /**
   * HNSW candidate list size; recall rises with it, and so does latency. Never below
   * `limit`.
   * @default max(40, 2 × limit), capped at 1000
   */
  efSearch?: number;
}

/** How the nearest members are searched: through the HNSW index, or exactly. */
export type NearestPlan = 'index' | 'exact';

/**
 * The nearest-members statement (see {@link nearestSegmentMembers}): the `limit` nearest
 * rule-matching customers with their distances, nearest first. `exact` orders by an
 * expression the HNSW index cannot serve, so every candidate is measured.
 */
export function nearestMembersSql(
  scope: Scope,
  definition: SegmentDefinition & { vector: VectorCriterion },
  limit: number,
  plan: NearestPlan = 'index',
): RawBuilder<{ id: string; distance: number }> {
  const ruleWhere = definition.rule
    ? compileRule(definition.rule, compileOptions(scope))
    : sql<SqlBool>`${sql.ref('customers.organization_id')} = ${scope.organizationId}`;
  const distance = distanceTo(definition.vector.embedding);
  // `distance + 0` is the same order, but no index matches it. (Only a bare output name may
  // appear in ORDER BY, hence the expression repeated there.)
  const order = plan === 'index' ? sql`distance` : sql`${distance} + 0`;
  return sql<{ id: string; distance: number }>`
    WITH nearest AS MATERIALIZED (
      SELECT customers.id, ${distance} AS distance
      FROM customers
      WHERE ${ruleWhere} AND customers.embedding IS NOT NULL
      ORDER BY ${order}
      LIMIT ${limit}
    )
    SELECT id, distance FROM nearest ORDER BY distance, id`;
}

/**
 * Planner settings for one HNSW search. `enable_sort = off` steers the planner to the
 * index: with a rule, its row estimates (e.g. for `lower(country) IN …`) are often far too
 * low and the vectors' TOAST reads are not costed, so it would otherwise choose an exact
 * scan + sort (measured: 416 ms p95 at 100k × 1536 vs 21 ms through the index).
 * `jit = off`: the steered plan's cost crosses the JIT threshold and compiling costs more
 * than the query. Iterative scan keeps the index scan going while the rule filters out
 * what it returns.
 */
function hnswSettings(efSearch: number): RawBuilder<unknown> {
  return sql`SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', ${String(efSearch)}, true), set_config('enable_sort', 'off', true), set_config('jit', 'off', true)`;
}

/**
 * Runs `work` with the HNSW planner settings, which never outlive it: in a transaction of
 * its own, or — when the scope already is a transaction — inside a savepoint that is rolled
 * back afterwards (the work only reads; rolling back a savepoint undoes its settings).
 */
export async function withHnswSettings<T>(
  scope: Scope,
  efSearch: number,
  work: (scope: Scope) => Promise<T>,
): Promise<T> {
  if (!scope.db.isTransaction) {
    return scope.db.transaction().execute(async (trx) => {
      await hnswSettings(efSearch).execute(trx);
      return work({ ...scope, db: trx });
    });
  }
  await sql`SAVEPOINT greentrack_nearest`.execute(scope.db);
  try {
    await hnswSettings(efSearch).execute(scope.db);
    return await work(scope);
  } finally {
    await sql`ROLLBACK TO SAVEPOINT greentrack_nearest`.execute(scope.db);
    await sql`RELEASE SAVEPOINT greentrack_nearest`.execute(scope.db);
  }
}

/**
 * The `limit` members of a vector or hybrid segment most similar to its query vector,
 * nearest first.
 *
 * Searches through the HNSW index on `customers.embedding` with pgvector 0.8's iterative
 * scan (`relaxed_order`), so a rule that filters out most of what the index returns (or
 * other organizations' rows: the index is global) does not starve the result; the
 * materialized CTE plus the outer `ORDER BY` restore the exact order `relaxed_order` may
 * bend. When the index yields fewer than `limit` candidates — the rule is rare enough that
 * the scan hit `hnsw.max_scan_tuples` — the search is repeated exactly, which is cheap for
 * exactly those rules. The threshold is applied to the candidates (members within it are a
 * prefix of the order).
 */
export async function nearestSegmentMembers(
  scope: Scope,
  definition: SegmentDefinition & { vector: VectorCriterion },
  options: NearestOptions = {},
): Promise<NearestMember[]> {
  const limit = Math.max(1, Math.min(Math.trunc(options.limit ?? 100), 1000));
  // Below `limit` candidates the search cannot return `limit` rows reliably.
  const efSearch = Math.max(
    limit,
    Math.min(Math.trunc(options.efSearch ?? Math.max(40, limit * 2)), 1000),
  );
  let { rows } = await withHnswSettings(scope, efSearch, (s) =>
    nearestMembersSql(s, definition, limit, 'index').execute(s.db),
  );
  if (rows.length < limit) {
    ({ rows } = await nearestMembersSql(scope, definition, limit, 'exact').execute(scope.db));
  }
  const maxDistance = 1 - definition.vector.threshold;
  return rows
    .filter((row) => Number(row.distance) <= maxDistance)
    .map((row) => ({ customerId: row.id, similarity: 1 - Number(row.distance) }));
}
