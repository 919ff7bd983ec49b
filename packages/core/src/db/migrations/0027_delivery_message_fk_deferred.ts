/**
 * Migration 0027: a delivery's link to its message is checked at commit.
 *
 * The dispatcher's hand-off marks a batch's deliveries `handed` (the lease fence), then
 * inserts their `messages` rows, in one transaction. With the key checked per statement the
 * deliveries could only take their message ids in a third statement, after the INSERT: a
 * second UPDATE of every delivery of the batch (decision 142). Checked at commit, the fence's
 * UPDATE writes the id the message row is about to get (ids are chosen before render), and
 * the check still runs for every row before anything is committed. `ON DELETE SET NULL`
 * is an action, not a check: it stays immediate (PostgreSQL never defers actions).
 */
import { type Kysely, sql } from 'kysely';

const CONSTRAINT = 'campaign_deliveries_message_id_fkey';

export const deliveryMessageFkDeferredMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql
      .raw(
        `ALTER TABLE campaign_deliveries ALTER CONSTRAINT ${CONSTRAINT} DEFERRABLE INITIALLY DEFERRED`,
      )
      .execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql
      .raw(`ALTER TABLE campaign_deliveries ALTER CONSTRAINT ${CONSTRAINT} NOT DEFERRABLE`)
      .execute(db);
  },
};
