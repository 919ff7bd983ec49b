import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKind, type TestDatabase } from '../../test/harness.js';
import { createGreenTrack, type GreenTrack } from '../index.js';
import { runCli } from '../run-cli.js';
import { allMigrations } from './migrator.js';

const migrationNames = Object.keys(
  allMigrations({ embeddingDimensions: 1536, rowLevelSecurity: true }),
);

describe(`migrations [${databaseKind}]`, () => {
  const opened: Array<{ gt: GreenTrack; database: TestDatabase }> = [];
  afterAll(async () => {
    for (const { gt, database } of opened) {
      await gt.close();
      await database.drop();
    }
  });

  async function freshGreenTrack(embeddingDimensions?: number) {
    const database = await createTestDatabase({ migrated: false });
    const gt = await createGreenTrack({
      database: database.options,
      ...(embeddingDimensions ? { embeddingDimensions } : {}),
    });
    opened.push({ gt, database });
    return gt;
  }

  it('applies every migration to an empty database, then is a no-op', async () => {
    const gt = await freshGreenTrack();
    expect((await gt.migrationStatus()).every((m) => m.appliedAt === null)).toBe(true);
    const first = await gt.migrate();
    expect(first.applied).toEqual(migrationNames);
    expect(first.applied.slice(0, 3)).toEqual([
      '0001_seed_schema',
      '0002_materialized_views',
      '0003_customer_tags_mirror',
    ]);
    const second = await gt.migrate();
    expect(second.applied).toEqual([]);
    const status = await gt.migrationStatus();
    expect(status.map((m) => m.name)).toEqual(first.applied);
    expect(status.every((m) => m.appliedAt instanceof Date)).toBe(true);
    expect(await gt.embeddingDimensions()).toBe(1536);
  });

  it('fixes the embedding dimension at the first migration', async () => {
    const gt = await freshGreenTrack(384);
    await gt.migrate();
    expect(await gt.embeddingDimensions()).toBe(384);
  });

  it('compresses message bodies with lz4 where the server has it, else keeps the default', async () => {
    const gt = await freshGreenTrack();
    await gt.migrate();
    const { rows: settings } = await sql<{ lz4: boolean }>`
      SELECT 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`.execute(
      gt.database.system('the test reads the catalog'),
    );
    const { rows } = await sql<{ column: string; compression: string }>`
      SELECT attrelid::regclass::text || '.' || attname AS column, attcompression::text AS compression
        FROM pg_attribute
       WHERE (attrelid = 'messages'::regclass AND attname = 'body')
          OR (attrelid = 'outbox_messages'::regclass AND attname IN ('body', 'text_body'))
       ORDER BY 1`.execute(gt.database.system('the test reads the catalog'));
    // 'l' is lz4; '' is the server's default (pglz). The Postgres of this suite has lz4.
    const expected = settings[0]?.lz4 ? 'l' : '';
    if (databaseKind === 'postgres') expect(expected).toBe('l');
    expect(rows).toEqual([
      { column: 'messages.body', compression: expected },
      { column: 'outbox_messages.body', compression: expected },
      { column: 'outbox_messages.text_body', compression: expected },
    ]);
  });

  it("checks a delivery's message link at commit, so the hand-off's fence can write it (0027)", async () => {
    const gt = await freshGreenTrack();
    await gt.migrate();
    const { rows } = await sql<{ deferrable: boolean; deferred: boolean; on_delete: string }>`
      SELECT condeferrable AS deferrable, condeferred AS deferred, confdeltype::text AS on_delete
        FROM pg_constraint WHERE conname = 'campaign_deliveries_message_id_fkey'`.execute(
      gt.database.system('the test reads the catalog'),
    );
    // 'n': ON DELETE SET NULL, still immediate (PostgreSQL never defers an action).
    expect(rows).toEqual([{ deferrable: true, deferred: true, on_delete: 'n' }]);
  });
});

describe(`greentrack CLI [${databaseKind}]`, () => {
  it('migrates, reports status, and is idempotent', async () => {
    const database = await createTestDatabase({ migrated: false });
    // The CLI reads DATABASE_URL or GREENTRACK_DATA_DIR; for PGlite use an on-disk dir.
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'gt-cli-'));
    const env = database.options.url
      ? { DATABASE_URL: database.options.url }
      : { GREENTRACK_DATA_DIR: join(dir, 'data') };
    try {
      const lines: string[] = [];
      const out = (line: string) => lines.push(line);
      expect(await runCli(['migrate', '--status'], env, out)).toBe(0);
      expect(lines.filter((l) => l.includes('pending'))).toHaveLength(migrationNames.length);
      lines.length = 0;
      expect(await runCli(['migrate'], env, out)).toBe(0);
      expect(lines[0]).toMatch(new RegExp(`^Applied ${migrationNames.length} migration`));
      lines.length = 0;
      expect(await runCli(['migrate'], env, out)).toBe(0);
      expect(lines[0]).toMatch(/^Already up to date/);
      lines.length = 0;
      expect(await runCli(['migrate', '--status'], env, out)).toBe(0);
      expect(lines.filter((l) => l.includes('applied'))).toHaveLength(migrationNames.length);
      expect(await runCli(['frobnicate'], env, out)).toBe(2);
    } finally {
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('migrates without roles and policies when told --no-row-level-security', async () => {
    const database = await createTestDatabase({ migrated: false });
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'gt-cli-'));
    const dataDir = join(dir, 'data');
    const env = database.options.url
      ? { DATABASE_URL: database.options.url }
      : { GREENTRACK_DATA_DIR: dataDir };
    try {
      expect(await runCli(['migrate', '--no-row-level-security'], env, () => {})).toBe(0);
      const gt = await createGreenTrack({
        database: database.options.url ? database.options : { dataDir },
        rowLevelSecurity: false,
      });
      try {
        const { rows } = await sql<{ n: string }>`
          SELECT count(*)::text AS n FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
           WHERE c.relnamespace = current_schema()::regnamespace`.execute(gt.db);
        expect(rows[0]?.n).toBe('0');
      } finally {
        await gt.close();
      }
    } finally {
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
