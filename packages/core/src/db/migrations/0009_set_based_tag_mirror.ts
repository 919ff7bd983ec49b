/**
 * Migration 0009: the `customers.tags` mirror (migration 0003) rewritten set-based.
 *
 * 0003's sync ran one correlated subquery per touched customer — twice, in SET and WHERE.
 * During a bulk import that was ~40 % of the database time. This version aggregates the
 * tag names of all touched customers in one grouped pass and updates only the rows whose
 * mirror actually changes; customers left without tags get `[]`. Same result, same
 * triggers; only the function body changes (`CREATE OR REPLACE`).
 */
import { type Kysely, sql } from 'kysely';

const setBased = `
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
   WHERE c.id = wanted.id
     AND c.tags IS DISTINCT FROM wanted.names;
  PERFORM set_config('greentrack.syncing_tags', COALESCE(previous, 'off'), true);
END
$$;
`;

/** 0003's row-at-a-time body, restored on the way down. */
const rowAtATime = `
CREATE OR REPLACE FUNCTION greentrack_sync_customer_tags_for(p_ids uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  previous text := current_setting('greentrack.syncing_tags', true);
BEGIN
  PERFORM set_config('greentrack.syncing_tags', 'on', true);
  UPDATE customers c
     SET tags = greentrack_customer_tag_names(c.id)
   WHERE c.id = ANY (p_ids)
     AND c.tags IS DISTINCT FROM greentrack_customer_tag_names(c.id);
  PERFORM set_config('greentrack.syncing_tags', COALESCE(previous, 'off'), true);
END
$$;
`;

export const setBasedTagMirrorMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(setBased).execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql.raw(rowAtATime).execute(db);
  },
};
