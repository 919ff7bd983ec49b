import { createGreenTrack } from '@greentrack/core';
import { describe, expect, it } from 'vitest';
import { runDemo } from './demo.js';

describe('demo', () => {
  it('migrates, creates the demo organization once, and prints the schema summary', async () => {
    const gt = await createGreenTrack({ database: { inMemory: true } });
    try {
      const first: string[] = [];
      await runDemo(gt, (line) => first.push(line));
      expect(first[0]).toMatch(/^Applied migrations: 0001_seed_schema/);
      expect(first).toContain('Schema: 23 tables + 2 materialized views');
      expect(first.some((l) => /^ {2}customers\s+18 columns$/.test(l))).toBe(true);

      expect(first).toContain('CSV import: 4 rows → 3 created, 0 updated, 0 unchanged, 1 rejected');
      expect(first).toContain('Worker tick: 3 customer profile(s) embedded');
      expect(first.find((l) => l.startsWith('Search "baker"'))).toMatch(/^Search "baker": 2 match/);
      expect(first).toContain('Segment draft "vip OR in DE": 2 member(s)');
      expect(first).toContain("  Ana Baker: tags HAS ANY ('vip')");
      expect(first).toContain("  Bruno Baker: country = 'DE'");
      // The lexical embedder puts the Berlin wholesaler first.
      expect(first.find((l) => l.startsWith('Segment draft "similar'))).toMatch(
        /member\(s\), nearest: Bruno Baker \(0\.\d\d\)/,
      );

      const second: string[] = [];
      await runDemo(gt, (line) => second.push(line));
      expect(second[0]).toBe('Migrations: up to date');
      // The import is an upsert by email: a second run creates and changes nothing.
      expect(second).toContain(
        'CSV import: 4 rows → 0 created, 0 updated, 3 unchanged, 1 rejected',
      );
      const organizations = await gt.db.selectFrom('organizations').select('name').execute();
      expect(organizations).toEqual([{ name: 'Demo Bakery' }]);
    } finally {
      await gt.close();
    }
  });
});
