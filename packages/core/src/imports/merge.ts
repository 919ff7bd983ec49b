/**
 * The database side of one import batch, inside its transaction: find the stored customers
 * the rows could match, then write what `applyRows` decided. The batch's new and changed
 * customers are COPYed into a staging table (`db/bulk-load.ts`), and the whole merge out of
 * it is ONE round trip — parameter-free statements over the staging table, sent together:
 *
 * ```sql
 * CREATE TEMP TABLE import_batch (seq, id, is_new, type, name, email, …, new_tags text[]) ON COMMIT DROP;
 * COPY import_batch FROM STDIN;
 * ANALYZE import_batch;
 * INSERT INTO tags … SELECT DISTINCT ON (lower(name)) … ON CONFLICT DO NOTHING;  -- missing tags
 * INSERT INTO customers (…, tags) SELECT …, <mirror> FROM import_batch WHERE is_new;
 * UPDATE customers c SET … FROM import_batch s WHERE c.id = s.id AND NOT s.is_new;
 * INSERT INTO customer_tags SELECT s.id, t.id FROM import_batch s JOIN tags t …;
 * INSERT INTO embedding_jobs SELECT … FROM import_batch s JOIN customers c …;
 * ```
 *
 * Per batch that is 8 round trips (begin, lock, match, create, COPY, merge, audit, commit)
 * where it was 14; on a busy database server each costs a scheduling wait on top of its
 * work (decision 145).
 *
 * New customers are inserted with their `customers.tags` mirror already computed — with
 * the very expression of the mirror's trigger (migrations 0003/0009) — so that trigger,
 * firing after the tag links, finds every new customer's mirror right and rewrites none.
 * Inserted with `[]`, each tagged customer (~80 % of a typical file) was written twice.
 */
import { sql } from 'kysely';
import { copyIntoStaging } from '../db/bulk-load.js';
import { enqueueEmbeddingsSql } from '../embeddings/index.js';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import type { Scope } from '../scope.js';
import { type ParsedRow, valueFields } from './rows.js';
import { emailKey, isChanged, type StoredCustomer, type Target } from './targets.js';

/**
 * The stored customers any row of the batch could match, oldest first, locked against
 * concurrent writes until the batch commits. Two lookups, each led by its index, sent as
 * one statement (a CTE each):
 *
 * ```sql
 * SELECT c.… FROM unnest($emails::citext[]) AS k(email)
 *   JOIN customers c ON c.email = k.email                 -- customers_email_idx, per email
 *   WHERE c.organization_id = $org FOR UPDATE OF c
 * SELECT … FROM customers
 *   WHERE organization_id = $org AND phone = ANY($phones)  -- customers_org_phone_idx
 *   FOR UPDATE
 * ```
 *
 * (One `email = ANY(…) OR phone = ANY(…)` statement lets the planner fall back to scanning
 * the whole organization once the lists are long — ~70 ms per batch at 100k customers.)
 */
export async function findMatches(
  tx: Scope,
  rows: readonly ParsedRow[],
): Promise<StoredCustomer[]> {
  const emails = new Map<string, string>();
  const phones = new Set<string>();
  for (const { fields } of rows) {
    if (fields.email) emails.set(emailKey(fields.email), fields.email);
    if (fields.phone) phones.add(fields.phone);
  }
  const columns = sql.join([
    sql.ref('c.id'),
    ...valueFields.map((f) => sql.ref(`c.${f}`)),
    sql.ref('c.tags'),
    sql.ref('c.created_at'),
  ]);
  // Both lookups in one round trip, each kept a separate index-led scan by its own CTE.
  const lookups = [
    ...(emails.size
      ? [
          // Not a join on `unnest(…)`: `citext =` is not leakproof, so under row-level
          // security it can never be an index condition, and as a join the planner built a
          // hash table of the organization's whole customer rows for every batch. As a
          // filter, the array is hashed once and the organization's rows are probed.
          sql`SELECT ${columns} FROM customers c
            WHERE c.organization_id = ${tx.organizationId}
              AND c.email = ANY(${[...emails.values()]}::citext[])
            FOR UPDATE OF c`,
        ]
      : []),
    ...(phones.size
      ? [
          sql`SELECT ${columns} FROM customers c
            WHERE c.organization_id = ${tx.organizationId} AND c.phone = ANY(${[...phones]}::text[])
            FOR UPDATE OF c`,
        ]
      : []),
  ];
  if (lookups.length === 0) return [];
  const { rows: matched } = await sql<StoredCustomer>`
    WITH ${sql.join(
      lookups.map((lookup, i) => sql`${sql.raw(`m${i}`)} AS (${lookup})`),
      sql`, `,
    )}
    ${sql.join(
      lookups.map((_, i) => sql.raw(`SELECT * FROM m${i}`)),
      sql` UNION ALL `,
    )}`.execute(tx.db);
  const found = new Map<string, StoredCustomer>();
  for (const customer of matched) found.set(customer.id, customer);
  // Oldest first (then by id, as Postgres orders uuids): the oldest match wins a key.
  return [...found.values()].sort(
    (a, b) =>
      a.created_at.getTime() - b.created_at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** The staging table of one batch; dropped when the batch's transaction ends. */
const STAGE = 'import_batch';

/** Staging columns: the target's order in the batch, its id and fields, the tags it gains. */
const stageColumns = [
  { name: 'seq', type: 'int' },
  { name: 'id', type: 'uuid' },
  { name: 'is_new', type: 'boolean' },
  ...valueFields.map((name) => ({ name, type: name === 'email' ? 'citext' : 'text' })),
  { name: 'new_tags', type: 'text[]' },
];

/** Tag names `target` gains, in the order the rows gave them. */
function newTags(target: Target): string[] {
  const names: string[] = [];
  for (const [key, name] of target.tags) if (!target.storedTags.has(key)) names.push(name);
  return names;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a batch's merge has to do; statements with nothing to do are left out. */
interface MergeWork {
  inserts: boolean;
  updates: boolean;
  newTags: boolean;
}

/**
 * The merge out of the staging table, as one parameter-free multi-statement text. Only the
 * organization id (checked to be a UUID) and the clock's `now` (an ISO timestamp) are
 * inlined; every customer value stays in the staging table.
 */
function mergeSql(organizationId: string, now: Date, work: MergeWork): string {
  if (!uuid.test(organizationId)) {
    throw new GreenTrackError({
      code: CommonErrorCode.INTERNAL,
      message: 'organizationId is not a UUID',
    });
  }
  const org = `'${organizationId}'::uuid`;
  const at = `'${now.toISOString()}'::timestamptz`;
  const statements: string[] = [];
  // Each tag name a staged customer gains, with the tag's id (the tags exist by then).
  const gainedTags = (where: string) => `
    SELECT s.id, t.id FROM ${STAGE} AS s
    CROSS JOIN LATERAL unnest(s.new_tags) AS n(name)
    JOIN tags t ON t.organization_id = ${org} AND t.name = n.name::citext
    WHERE ${where}`;
  if (work.newTags) {
    // The first spelling in the batch (row order, then cell order) names a new tag; tag
    // names compare as citext does, by lower().
    statements.push(`INSERT INTO tags (organization_id, name)
  SELECT DISTINCT ON (lower(n.name)) ${org}, n.name::citext
  FROM ${STAGE} AS s CROSS JOIN LATERAL unnest(s.new_tags) WITH ORDINALITY AS n(name, k)
  ORDER BY lower(n.name), s.seq, n.k
  ON CONFLICT (organization_id, name) DO NOTHING`);
  }
  if (work.inserts) {
    // The mirror guard (0003) admits only the mirror's own writes to `tags`: this INSERT
    // writes what the mirror's trigger computes, and that trigger still checks it after the
    // links are in.
    statements.push(
      "SELECT set_config('greentrack.syncing_tags', 'on', true)",
      `INSERT INTO customers (id, organization_id, ${valueFields.join(', ')}, tags, created_at, updated_at)
  SELECT s.id, ${org}, ${valueFields.map((f) => `s.${f}`).join(', ')},
    COALESCE((
      SELECT jsonb_agg(t.name::text ORDER BY lower(t.name::text), t.name::text)
      FROM tags t WHERE t.organization_id = ${org} AND t.name = ANY (s.new_tags::citext[])
    ), '[]'::jsonb),
    ${at}, ${at}
  FROM ${STAGE} AS s WHERE s.is_new`,
      "SELECT set_config('greentrack.syncing_tags', 'off', true)",
    );
    // A customer created just now has no links: no ON CONFLICT (speculative insertion).
    if (work.newTags) {
      statements.push(`INSERT INTO customer_tags (customer_id, tag_id) ${gainedTags('s.is_new')}`);
    }
    statements.push(
      enqueueEmbeddingsSql(organizationId, `SELECT id FROM ${STAGE} WHERE is_new`, {
        created: true,
      }),
    );
  }
  if (work.updates) {
    // Statistics first: the join below is planned from them (a temporary table has none).
    statements.push(
      `ANALYZE ${STAGE}`,
      `UPDATE customers AS c
  SET ${valueFields.map((f) => `${f} = s.${f}`).join(', ')}, updated_at = ${at}
  FROM ${STAGE} AS s
  WHERE c.id = s.id AND NOT s.is_new AND c.organization_id = ${org}`,
    );
    if (work.newTags) {
      statements.push(
        `INSERT INTO customer_tags (customer_id, tag_id) ${gainedTags('NOT s.is_new')}
  ON CONFLICT DO NOTHING`,
      );
    }
    statements.push(
      enqueueEmbeddingsSql(organizationId, `SELECT id FROM ${STAGE} WHERE NOT is_new`),
    );
  }
  return `${statements.join(';\n')};`;
}

/**
 * Writes the batch's new and changed customers and their new tags; returns the ids of
 * the inserted and of the updated ones. Unchanged matches are not written at all.
 */
export async function writeTargets(
  tx: Scope,
  targets: readonly Target[],
  now: Date,
): Promise<{ inserted: string[]; updated: string[] }> {
  const staged = targets.filter((t) => t.isNew || isChanged(t));
  const inserted = staged.filter((t) => t.isNew).map((t) => t.id);
  const updated = staged.filter((t) => !t.isNew).map((t) => t.id);
  if (staged.length === 0) return { inserted, updated };
  await copyIntoStaging(tx.db, {
    table: STAGE,
    columns: stageColumns,
    rows: staged.map((t, seq) => [
      seq,
      t.id,
      t.isNew,
      ...valueFields.map((f) => t.current[f]),
      newTags(t),
    ]),
  });
  const work: MergeWork = {
    inserts: inserted.length > 0,
    updates: updated.length > 0,
    newTags: staged.some((t) => newTags(t).length > 0),
  };
  await sql.raw(mergeSql(tx.organizationId, now, work)).execute(tx.db);
  return { inserted, updated };
}
