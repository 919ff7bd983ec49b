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

      const second: string[] = [];
      await runDemo(gt, (line) => second.push(line));
      expect(second[0]).toBe('Migrations: up to date');
      const organizations = await gt.db.selectFrom('organizations').select('name').execute();
      expect(organizations).toEqual([{ name: 'Demo Bakery' }]);
    } finally {
      await gt.close();
    }
  });
});
