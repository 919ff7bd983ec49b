/**
 * Migration 0003: keeps `customers.tags` (jsonb) identical to the `customer_tags` rows.
 *
 * One mechanism, in the database: `customer_tags` (with `tags`) is the source of truth and
 * statement-level triggers rewrite the mirror for exactly the customers a statement touched
 * (transition tables, so a 100k-row import fires each trigger once, not 100k times). A
 * direct write of a different value to `customers.tags` is rejected, so no writer — ours,
 * a host's SQL, a migration — can make the two disagree. The mirror holds tag names sorted
 * case-insensitively. See docs/decisions.md ("customers.tags mirror").
 */
import { type Kysely, sql } from 'kysely';

const up = `
CREATE FUNCTION greentrack_customer_tag_names(p_customer_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT COALESCE(jsonb_agg(t.name::text ORDER BY lower(t.name::text), t.name::text), '[]'::jsonb)
  FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
  WHERE ct.customer_id = p_customer_id
$$;

-- Set by the mirror triggers for the length of their own UPDATE, so the guard below can
-- tell the mirror's writes from anyone else's.
CREATE FUNCTION greentrack_guard_customer_tags() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('greentrack.syncing_tags', true) = 'on' THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.tags IS DISTINCT FROM '[]'::jsonb THEN
      RAISE EXCEPTION 'customers.tags is maintained from customer_tags; insert tag links instead'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'customers_tags_mirror';
    END IF;
  ELSIF NEW.tags IS DISTINCT FROM OLD.tags THEN
    RAISE EXCEPTION 'customers.tags is maintained from customer_tags; change tag links instead'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'customers_tags_mirror';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER customers_tags_guard
  BEFORE INSERT OR UPDATE OF tags ON customers
  FOR EACH ROW EXECUTE FUNCTION greentrack_guard_customer_tags();

CREATE FUNCTION greentrack_sync_customer_tags_for(p_ids uuid[]) RETURNS void
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

CREATE FUNCTION greentrack_customer_tags_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM greentrack_sync_customer_tags_for(ARRAY(SELECT DISTINCT customer_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM greentrack_sync_customer_tags_for(ARRAY(SELECT DISTINCT customer_id FROM old_rows));
  ELSE
    PERFORM greentrack_sync_customer_tags_for(ARRAY(
      SELECT customer_id FROM new_rows UNION SELECT customer_id FROM old_rows));
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER customer_tags_mirror_insert AFTER INSERT ON customer_tags
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION greentrack_customer_tags_changed();
CREATE TRIGGER customer_tags_mirror_delete AFTER DELETE ON customer_tags
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION greentrack_customer_tags_changed();
CREATE TRIGGER customer_tags_mirror_update AFTER UPDATE ON customer_tags
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION greentrack_customer_tags_changed();

-- A renamed tag changes the mirror of every customer that carries it.
CREATE FUNCTION greentrack_tags_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM greentrack_sync_customer_tags_for(ARRAY(
    SELECT DISTINCT ct.customer_id
      FROM customer_tags ct
      JOIN new_rows n ON n.id = ct.tag_id
      JOIN old_rows o ON o.id = n.id
     WHERE n.name IS DISTINCT FROM o.name));
  RETURN NULL;
END
$$;

CREATE TRIGGER tags_mirror_rename AFTER UPDATE ON tags
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION greentrack_tags_renamed();
`;

const down = `
DROP TRIGGER IF EXISTS tags_mirror_rename ON tags;
DROP TRIGGER IF EXISTS customer_tags_mirror_update ON customer_tags;
DROP TRIGGER IF EXISTS customer_tags_mirror_delete ON customer_tags;
DROP TRIGGER IF EXISTS customer_tags_mirror_insert ON customer_tags;
DROP TRIGGER IF EXISTS customers_tags_guard ON customers;
DROP FUNCTION IF EXISTS greentrack_tags_renamed(), greentrack_customer_tags_changed(),
  greentrack_sync_customer_tags_for(uuid[]), greentrack_guard_customer_tags(),
  greentrack_customer_tag_names(uuid);
`;

export const customerTagsMirrorMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(up).execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql.raw(down).execute(db);
  },
};
