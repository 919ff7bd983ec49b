/**
 * Migration 0004: indexes for the customer list and search.
 *
 * - Text search over name, email and phone: a trigram GIN index on one immutable
 *   expression, so `ILIKE '%term%'` on any part of those fields uses the index.
 * - Keyset pagination per sort order: (organization_id, sort column, id) btrees, so every
 *   page is an index range scan however deep the cursor.
 * - `customer_tags (tag_id)`: tag filters and tag renames/deletes look links up by tag.
 */
import { type Kysely, sql } from 'kysely';

const up = `
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION greentrack_customer_search_text(p_name text, p_email citext, p_phone text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(coalesce(p_name, '') || ' ' || coalesce(p_email::text, '') || ' ' || coalesce(p_phone, ''))
$$;

CREATE INDEX customers_search_trgm_idx ON customers
  USING gin (greentrack_customer_search_text(name, email, phone) gin_trgm_ops);
CREATE INDEX customers_org_created_idx ON customers (organization_id, created_at, id);
CREATE INDEX customers_org_updated_idx ON customers (organization_id, updated_at, id);
CREATE INDEX customers_org_name_idx ON customers (organization_id, name, id);
CREATE INDEX customer_tags_tag_idx ON customer_tags (tag_id);
`;

export const customerSearchMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(up).execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql
      .raw(
        `DROP INDEX IF EXISTS customer_tags_tag_idx, customers_org_name_idx, customers_org_updated_idx,
           customers_org_created_idx, customers_search_trgm_idx;
         DROP FUNCTION IF EXISTS greentrack_customer_search_text(text, citext, text);`,
      )
      .execute(db);
  },
};
