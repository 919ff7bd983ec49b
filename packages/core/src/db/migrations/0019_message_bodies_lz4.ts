/**
 * Migration 0019: message bodies are compressed with lz4 where the server has it.
 *
 * Every dispatched message writes its rendered body (~6 KB of HTML for a typical email)
 * twice: `messages.body`, and the outbox's `body`/`text_body` when the outbox sends. TOAST
 * compresses them with the server's default, pglz; timed at 2,000 bodies, pglz took
 * 225–275 ms where lz4 took 83–88 (decision 119), most of the INSERT's cost and the largest
 * wait of a dispatching worker. lz4 is chosen per column, so a server whose default stays
 * pglz still writes these with lz4; a server built without lz4 (and PGlite) keeps pglz —
 * the DO block asks the server. Only storage changes: types, constraints and values are
 * the seed's, and existing rows keep their compression until rewritten.
 */
import { type Kysely, sql } from 'kysely';

const columns = ['messages.body', 'outbox_messages.body', 'outbox_messages.text_body'];

const setCompression = (method: 'lz4' | 'pglz') =>
  columns
    .map((c) => {
      const [table, column] = c.split('.');
      return `ALTER TABLE ${table} ALTER COLUMN ${column} SET COMPRESSION ${method};`;
    })
    .join('\n      ');

const whenLz4 = (statements: string) => `
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings
              WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
      ${statements}
  END IF;
END
$$;`;

export const messageBodiesLz4Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(whenLz4(setCompression('lz4'))).execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql.raw(whenLz4(setCompression('pglz'))).execute(db);
  },
};
