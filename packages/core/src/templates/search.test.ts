/**
 * `templates.embedding` is filled by the worker after each save, and `templates.search`
 * finds templates by it — with the deterministic hashing embedder the customer tests use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../test/errors.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import { fromVector } from '../db/values.js';
import { processTemplateEmbeddings } from '../embeddings/index.js';
import { templateEmbeddingText } from '../embeddings/templates.js';
import type { GreenTrack } from '../greentrack.js';
import type { Embedder } from '../providers/embedder.js';

describe(`template embeddings and search [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock: fixedClock('2026-06-01T09:00:00Z') }));
  });
  afterAll(() => cleanup());

  async function organization() {
    const fixture = await makeOrganization(gt, 'Plants');
    const organizationId = fixture.organization.id;
    return { organizationId, org: gt.as({ userId: fixture.owner.id, organizationId }) };
  }

  /** Vectors compared to 5 decimals: the database stores float4. */
  const rounded = (vector: readonly number[] | null | undefined) =>
    vector?.map((v) => v.toFixed(5));
  /** The embedder's vector of a template's text. */
  const expectedFor = async (template: { name: string; subject: string | null; content: string }) =>
    rounded((await gt.embedder.embed([templateEmbeddingText(template)]))[0]);

  const embeddingOf = async (organizationId: string, templateId: string) => {
    const row = await gt.database
      .tenant(organizationId)
      .selectFrom('templates')
      .select('embedding')
      .where('id', '=', templateId)
      .executeTakeFirstOrThrow();
    return fromVector(row.embedding);
  };

  it('embeds a template’s text in the worker, and again after an edit', async () => {
    const { organizationId, org } = await organization();
    const template = await org.templates.create({
      channel: 'email',
      name: 'Spring sale',
      subject: '20 % off for {{ customer.first_name }}',
      content: '<p>Our <b>spring sale</b> starts Monday: every plant 20 % off.</p>',
    });
    expect(await embeddingOf(organizationId, template.id)).toBeNull();
    expect(
      templateEmbeddingText({
        name: template.name,
        subject: template.subject,
        content: template.content,
      }),
    ).toBe('Spring sale\n20 % off for\nOur spring sale starts Monday: every plant 20 % off.');

    expect((await gt.worker.tick()).templatesEmbedded).toBeGreaterThanOrEqual(1);
    expect(rounded(await embeddingOf(organizationId, template.id))).toEqual(
      await expectedFor(template),
    );

    const edited = await org.templates.update(template.id, {
      content: '<p>Autumn bulbs are in: tulips and daffodils.</p>',
    });
    expect(await embeddingOf(organizationId, template.id)).toBeNull();
    await gt.worker.tick();
    expect(rounded(await embeddingOf(organizationId, template.id))).toEqual(
      await expectedFor(edited),
    );
  });

  it('never writes the vector of a text that was edited while it was being embedded', async () => {
    const { organizationId, org } = await organization();
    const template = await org.templates.create({
      channel: 'sms',
      name: 'Reminder',
      content: 'Your order is ready for pickup',
    });
    const editing: Embedder = {
      ...gt.embedder,
      embed: async (texts) => {
        // A person saves a new version while the embedder is working on the old one.
        await org.templates.update(template.id, { content: 'Your order has shipped' });
        return gt.embedder.embed(texts);
      },
    };
    const system = gt.database.system('the test runs the template embedding task');
    const first = await processTemplateEmbeddings(
      { db: system, embedder: editing },
      { batchSize: 500 },
    );
    expect(first.failed).toBe(0);
    expect(await embeddingOf(organizationId, template.id)).toBeNull();
    // The next run embeds the saved text.
    await processTemplateEmbeddings({ db: system, embedder: gt.embedder }, { batchSize: 500 });
    expect(rounded(await embeddingOf(organizationId, template.id))).toEqual(
      await expectedFor({ name: 'Reminder', subject: null, content: 'Your order has shipped' }),
    );
  });

  it('leaves a template to the next run when the embedder fails', async () => {
    const { organizationId, org } = await organization();
    const template = await org.templates.create({
      channel: 'sms',
      name: 'Flaky',
      content: 'Hi {{ customer.first_name }}',
    });
    const failing: Embedder = {
      ...gt.embedder,
      embed: async () => {
        throw new Error('embedding API down');
      },
    };
    const system = gt.database.system('the test runs the template embedding task');
    const result = await processTemplateEmbeddings(
      { db: system, embedder: failing },
      { batchSize: 500 },
    );
    expect(result.embedded).toBe(0);
    expect(result.failed).toBeGreaterThanOrEqual(1);
    expect(await embeddingOf(organizationId, template.id)).toBeNull();
  });

  it('finds the organization’s embedded templates closest to a text, closest first', async () => {
    const { org } = await organization();
    const sale = await org.templates.create({
      channel: 'email',
      name: 'Plant sale',
      subject: 'Spring plant sale',
      content: '<p>Every plant and every pot on sale this spring.</p>',
    });
    const invoice = await org.templates.create({
      channel: 'email',
      name: 'Invoice reminder',
      subject: 'Your invoice is due',
      content: '<p>Please pay your invoice before the due date.</p>',
    });
    const sms = await org.templates.create({
      channel: 'sms',
      name: 'Plant sale SMS',
      content: 'Plant sale this spring! Reply STOP to opt out',
    });
    // Another organization's template on the same subject is never found.
    const other = await organization();
    await other.org.templates.create({
      channel: 'email',
      name: 'Plant sale',
      subject: 'Spring plant sale',
      content: '<p>Every plant and every pot on sale this spring.</p>',
    });
    // Not embedded yet: nothing to find.
    expect(await org.templates.search({ text: 'spring plant sale' })).toEqual([]);
    await gt.worker.tick();

    const found = await org.templates.search({ text: 'spring plant sale' });
    expect(found.map((t) => t.id)).toEqual([sale.id, sms.id, invoice.id]);
    expect(found[0]?.similarity).toBeGreaterThan(found[2]?.similarity ?? 1);
    expect(found[0]?.similarity).toBeLessThanOrEqual(1);
    expect(found[0]).toMatchObject({ name: 'Plant sale', channel: 'email', format: 'html' });

    const emails = await org.templates.search({ text: 'plant sale', channel: 'email', limit: 1 });
    expect(emails.map((t) => t.id)).toEqual([sale.id]);
    expect((await failure(org.templates.search({ text: '  ' }))).code).toBe('VALIDATION_FAILED');
  });
});
