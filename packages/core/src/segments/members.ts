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
import { inTransaction, type Scope } from '../scope.js';
import { type CompileOptions, compileNode, compileRule } from './compile.js';
import { renderPredicate, renderRule } from './render.js';
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

function label(rule: Rule): string {
  return 'field' in rule ? renderPredicate(rule) : renderRule(rule);
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
      parts.push(sql`CASE WHEN ${compileNode(child, options)} THEN ${label(child)}::text END`);
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
   * HNSW candidate list size; recall rises with it, and so does latency.
   * @default max(40, 2 × limit), capped at 1000
   */
  efSearch?: number;
}

/**
 * The nearest-members statement (see {@link nearestSegmentMembers}); exported for tests that
 * check its plan uses the HNSW index.
 */
export function nearestMembersSql(
  scope: Scope,
  definition: SegmentDefinition & { vector: VectorCriterion },
  limit: number,
): RawBuilder<{ id: string; distance: number }> {
  const { embedding, threshold } = definition.vector;
  const ruleWhere = definition.rule
    ? compileRule(definition.rule, compileOptions(scope))
    : sql<SqlBool>`${sql.ref('customers.organization_id')} = ${scope.organizationId}`;
  const distance = distanceTo(embedding);
  return sql<{ id: string; distance: number }>`
    WITH nearest AS MATERIALIZED (
      SELECT customers.id, ${distance} AS distance
      FROM customers
      WHERE ${ruleWhere} AND customers.embedding IS NOT NULL
      ORDER BY ${distance}
      LIMIT ${limit}
    )
    SELECT id, distance FROM nearest WHERE distance <= ${1 - threshold}
    ORDER BY distance, id`;
}

/**
 * Session settings for one HNSW search, scoped to the current transaction (`set_config`'s
 * third argument): iterative scan so filters cannot starve the result, and the candidate
 * list size.
 */
export async function applyHnswSettings(scope: Scope, efSearch: number): Promise<void> {
  await sql`SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', ${String(efSearch)}, true)`.execute(
    scope.db,
  );
}

/**
 * The `limit` members of a vector or hybrid segment most similar to its query vector.
 *
 * Uses the HNSW index on `customers.embedding` with pgvector 0.8's iterative scan
 * (`relaxed_order`): when the rule (or another organization's rows) filters out most of
 * what the index returns, the scan continues instead of returning too few rows. The index
 * scan runs in a materialized CTE ordered by distance; the threshold is applied after it
 * (members within the threshold are a prefix of that order) and the outer query restores
 * the exact order that `relaxed_order` may bend.
 */
export async function nearestSegmentMembers(
  scope: Scope,
  definition: SegmentDefinition & { vector: VectorCriterion },
  options: NearestOptions = {},
): Promise<NearestMember[]> {
  const limit = Math.max(1, Math.min(Math.trunc(options.limit ?? 100), 1000));
  const efSearch = Math.max(
    1,
    Math.min(Math.trunc(options.efSearch ?? Math.max(40, limit * 2)), 1000),
  );
  return inTransaction(scope, async (tx) => {
    await applyHnswSettings(tx, efSearch);
    const { rows } = await nearestMembersSql(tx, definition, limit).execute(tx.db);
    return rows.map((row) => ({ customerId: row.id, similarity: 1 - Number(row.distance) }));
  });
}
