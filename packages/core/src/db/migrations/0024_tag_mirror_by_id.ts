/**
 * Migration 0024: the `customers.tags` mirror (0003, set-based since 0009) finds the
 * customers it rewrites by primary key.
 *
 * 0009's UPDATE joins its per-customer aggregate to `customers` on `c.id = wanted.id` only.
 * Row-level security adds `organization_id = <current>` and, while the organization's
 * statistics are stale — always, during a bulk import into a growing organization — the
 * planner estimates a handful of rows for it, scans the whole organization and hash-joins:
 * at the 11th 1000-row batch of an import it read 11,000 customers to check 1,000, so an
 * import's mirror work grew with the square of its size. Saying `c.id = ANY (p_ids)` lets
 * the primary key lead, whatever the statistics say. Same result, same triggers.
 */
import { type Kysely, sql } from 'kysely';

/** 0009's body, with the primary-key condition when `byId`. */
function syncFunction(byId: boolean): string {
  return `
CREATE OR REPLACE FUNCTION greentrack_sync_customer_tags_for(p_ids uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  previous text := current_setting('greentrack.syncing_tags', true);
BEGIN
  PERFORM set_config('greentrack.syncing_tags', 'on', true);
  UPDATE customers c
     SET tags = wanted.names
    FROM (
      SELECT ids.id,
             COALESCE(jsonb_agg(t.name::text ORDER BY lower(t.name::text), t.name::text)
                        FILTER (WHERE t.id IS NOT NULL), '[]'::jsonb) AS names
        FROM unnest(p_ids) AS ids(id)
        LEFT JOIN customer_tags ct ON ct.customer_id = ids.id
        LEFT JOIN tags t ON t.id = ct.tag_id
       GROUP BY ids.id
    ) AS wanted
   WHERE c.id = wanted.id${byId ? '\n     AND c.id = ANY (p_ids)' : ''}
     AND c.tags IS DISTINCT FROM wanted.names;
  PERFORM set_config('greentrack.syncing_tags', COALESCE(previous, 'off'), true);
END
$$;
`;
}

export const tagMirrorByIdMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(syncFunction(true)).execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql.raw(syncFunction(false)).execute(db);
  },
};
