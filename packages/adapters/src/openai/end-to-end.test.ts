import type { GreenTrack, TenantFacade } from '@greentrack/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind } from '../../test/greentrack.js';
import { type LocalServer, startLocalServer } from '../../test/local-server.js';
import { type EmbeddingsRequestBody, embeddingsAnswer } from '../../test/openai-server.js';
import { openaiEmbedder } from './index.js';

describe(`openaiEmbedder end to end (${databaseKind})`, () => {
  let server: LocalServer;
  let gt: GreenTrack;
  let org: TenantFacade;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    server = await startLocalServer(embeddingsAnswer);
    const embedder = openaiEmbedder({
      baseURL: `${server.url}/v1`,
      apiKey: 'sk-e2e',
      dimensions: 256,
      maxBatch: 2,
    });
    ({ gt, cleanup } = await createTestGreenTrack({ embedder }));
    const owner = await gt.users.create({ email: 'owner@bakery.example' });
    const { organization } = await gt.organizations.create({
      name: 'Bakery',
      ownerUserId: owner.id,
    });
    org = gt.as({ userId: owner.id, organizationId: organization.id });
  }, 60_000);
  afterAll(async () => {
    await cleanup?.();
    await server?.close();
  });

  it('embeds customers through gt.worker.tick() and a vector segment finds them', async () => {
    expect(await gt.embeddingDimensions()).toBe(256);
    for (const [name, city, tags] of [
      ['Ana Baker', 'Portland', ['bakery', 'sourdough', 'wholesale']],
      ['Bo Crumb', 'Portland', ['bakery', 'pastry']],
      ['Cy Molar', 'Boston', ['dentist']],
    ] as const) {
      await org.customers.create({ type: 'customer', name, city, tags: [...tags] });
    }
    const tick = await gt.worker.tick();
    expect(tick).toMatchObject({ embedded: 3, failed: 0 });
    // maxBatch 2: the worker's three profiles went out as two requests.
    const profiles = server.requests.map((r) => (r.json as EmbeddingsRequestBody).input);
    expect(profiles.map((input) => (input as string[]).length)).toEqual([2, 1]);
    expect(server.requests.every((r) => r.headers.authorization === 'Bearer sk-e2e')).toBe(true);

    const segment = await org.segments.create({
      name: 'Portland bakeries',
      vector: { text: 'Portland bakery sourdough pastry', threshold: 0.3 },
    });
    // The segment's query text went through the same embedder (one more request).
    expect(server.requests).toHaveLength(3);
    const preview = await org.segments.preview(segment.id);
    expect(preview.sample.map((m) => m.customer.name).sort()).toEqual(['Ana Baker', 'Bo Crumb']);
    expect(preview.count).toBe(2);
  });
});
