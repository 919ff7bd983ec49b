/**
 * The demo page in a real Chromium (the system one, `/usr/bin/chromium`, driven by
 * playwright-core; nothing downloads a browser): seeds the demo organization in a fresh
 * embedded database, serves the page as `npm run demo` does, and checks that both widgets
 * render the seeded data through the server-minted token.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGreenTrack, type GreenTrack } from '@greentrack/core';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo, serveDemo } from './demo.js';
import { ensureDemoData } from './demo-data.js';

const SECRET = 'example-express-demo-page-secret-0123456789';

describe('demo page (Chromium)', () => {
  let dataDir: string;
  let gt: GreenTrack;
  let server: Server;
  let url: string;
  let browser: Browser;
  const log: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gt-demo-page-'));
    gt = await createGreenTrack({
      database: { dataDir },
      secret: SECRET,
      authenticate: () => null,
    });
    await gt.migrate();
    await seedDemo(gt, (line) => log.push(line));
    await seedDemo(gt, (line) => log.push(line));
    ({ server, url } = await serveDemo(gt, 0));
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    }
    await gt?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('seeds 2,000 customers and leads once; the second run skips', () => {
    expect(log[0]).toMatch(
      /^Demo data: 2000 customers and leads seeded in [\d.]+ s \(80 consent records, 0 rejected\)$/,
    );
    expect(log[1]).toMatch(
      /^Demo data: 2000 customers and leads already seeded \(checked in \d+ ms\)$/,
    );
  });

  it('renders the customer list and the segment builder over the seeded organization', async () => {
    const { owner, organization } = await ensureDemoData(gt);
    const org = gt.as({ userId: owner.id, organizationId: organization.id });
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    try {
      await page.goto(url);

      // Customer list: a first page of 20 (page-size="20"), of which the virtualized body
      // renders the rows in view; each is a seeded customer, and more pages are announced.
      // Playwright's CSS locators pierce the widgets' open shadow roots.
      const rows = page.locator('gt-customer-list [part="row"] [part="name"]');
      await rows.first().waitFor({ timeout: 15_000 });
      expect(await rows.count()).toBeGreaterThan(0);
      expect(await rows.count()).toBeLessThanOrEqual(20);
      const shown = (await rows.first().textContent())?.trim() ?? '';
      const match = await org.customers.list({ q: shown, limit: 1 });
      expect(match.items[0]?.name).toBe(shown);
      await page
        .locator('gt-customer-list [part="status"]', { hasText: 'more below' })
        .waitFor({ timeout: 15_000 });

      // Segment builder: a new condition ("type is lead") previews the live count.
      await page.locator('gt-segment-builder [part="add-button"]').click();
      const count = page.locator('gt-segment-builder [part="summary"]');
      await count.waitFor({ timeout: 15_000 });
      const expected = await org.customers.list({
        type: 'lead',
        include_total: true,
        limit: 1,
      });
      expect(expected.total).toBeGreaterThan(500);
      await expect
        .poll(() => count.textContent(), { timeout: 10_000 })
        .toBe(`${expected.total} customers match`);
      expect(failures).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
