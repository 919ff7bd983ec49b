/**
 * Tracking end to end, on both databases: a campaign sent through the outbox carries
 * signed links, `List-Unsubscribe` headers and an open pixel; the public endpoints record
 * clicks, opens and unsubscribes once per message in the run's stats, and refuse forged,
 * expired and misdirected tokens without writing anything.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { databaseFingerprint } from '../../test/rows.js';
import { fixedClock } from '../clock.js';
import { createGreenTrack, type GreenTrack } from '../greentrack.js';
import type { EmailProvider } from '../providers/messaging.js';
import { purposeKey } from '../secrets/index.js';
import { createTrackingTokens } from './tokens.js';

const SECRET = 'tracking-test-secret-0123456789abcdefghij';
const API = 'https://shop.example/api/greentrack';
const DAY = 24 * 3600 * 1000;

const CONTENT = `<mjml><mj-body><mj-section><mj-column><mj-text>
  Hello {{ customer.name }}. <a href="https://shop.example/sale?x=1&amp;y=2">See the sale</a>
  <a href="https://shop.example/guide?utm_source=blog">Guide</a>
  <a href="mailto:help@shop.example">Write to us</a>
  <!-- https://shop.example/in-a-comment -->
  <a href="{{ urls.unsubscribe }}">Unsubscribe</a>
</mj-text></mj-column></mj-section></mj-body></mjml>`;

describe(`tracking links and endpoints [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock('2026-06-01T09:00:00.000Z');
  const tokens = createTrackingTokens(
    (label) => purposeKey(SECRET, label),
    () => clock.now(),
  );

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      clock,
      secret: SECRET,
      tracking: { baseUrl: 'https://shop.example/' },
    }));
  });
  afterAll(() => cleanup());

  /** An organization whose customers (subscribed, tagged `tag`) got one email campaign. */
  async function sentCampaign(customers = 2) {
    const fixture = await makeOrganization(gt, 'Bakery');
    const organizationId = fixture.organization.id;
    const org = gt.as({ userId: fixture.owner.id, organizationId });
    const tag = `t${randomUUID().slice(0, 8)}`;
    const people = [];
    for (let i = 0; i < customers; i++)
      people.push(
        await org.customers.create({
          type: 'customer',
          name: `Ana ${i}`,
          email: `ana${i}-${tag}@example.com`,
          tags: [tag],
        }),
      );
    const template = await org.templates.create({
      channel: 'email',
      name: 'Sale',
      subject: 'Spring sale',
      content: CONTENT,
      format: 'mjml',
    });
    const segment = await org.segments.create({
      name: 'Tagged',
      rule: { field: 'tags', op: 'has_any', values: [tag] },
    });
    const campaign = await org.campaigns.create({
      name: 'Spring',
      channel: 'email',
      template_id: template.id,
      segment_id: segment.id,
      utm_campaign: 'spring-2026',
    });
    await org.campaigns.schedule(campaign.id);
    await gt.worker.tick();
    const db = gt.database.tenant(organizationId);
    const messages = await db
      .selectFrom('messages')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .orderBy('to_address')
      .execute();
    const outbox = await db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .execute();
    const stats = async () => {
      const [run] = await org.campaigns.runs(campaign.id);
      return run?.stats ?? {};
    };
    return { organizationId, org, db, people, segment, template, messages, outbox, stats };
  }

  const links = (html: string, path: string) =>
    [...html.matchAll(/href="([^"]+)"/g)]
      .map((m) => (m[1] ?? '').replaceAll('&amp;', '&'))
      .filter((url) => url.startsWith(`${API}${path}`));
  const get = (url: string) => gt.handler(new Request(url));
  const post = (url: string, body?: string) =>
    gt.handler(
      new Request(url, {
        method: 'POST',
        ...(body === undefined
          ? {}
          : { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      }),
    );

  it('sends decorated email with List-Unsubscribe headers; the stored body is the body sent', async () => {
    const { messages, outbox } = await sentCampaign();
    expect(messages).toHaveLength(2);
    for (const message of messages) {
      const sent = outbox.find((o) => o.message_id === message.id);
      expect(sent?.body).toBe(message.body);
      expect(sent?.subject).toBe(message.subject);
      const headers = sent?.headers as Record<string, string>;
      expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
      expect(headers['List-Unsubscribe']).toMatch(new RegExp(`^<${API}/t/u/[\\w.-]+>$`));
      // Web links go through the redirect; mailto, the comment and our own links do not.
      expect(message.body).not.toContain('href="https://shop.example/sale');
      expect(message.body).toContain('href="mailto:help@shop.example"');
      expect(message.body).toContain('<!-- https://shop.example/in-a-comment -->');
      expect(links(message.body, '/t/c/')).toHaveLength(2);
      expect(links(message.body, '/t/u/')).toEqual([headers['List-Unsubscribe']?.slice(1, -1)]);
      expect(message.body).toMatch(new RegExp(`<img src="${API}/t/o/[\\w.-]+"[^>]*>\\s*</body>`));
      // The text part carries the same tracked links.
      expect(sent?.text_body).toContain(links(message.body, '/t/c/')[0]);
      expect(sent?.text_body).not.toContain('preview.greentrack.invalid');
    }
    // Each message signs its own links.
    expect(messages[0]?.body).not.toBe(messages[1]?.body.replaceAll('Ana 1', 'Ana 0'));
  });

  it('redirects a click to the UTM-decorated destination and counts each message once', async () => {
    const { messages, db, stats } = await sentCampaign();
    const [first, second] = messages;
    if (!first || !second) throw new Error('no messages');
    const [sale, guide] = links(first.body, '/t/c/');
    const res = await get(sale ?? '');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(
      'https://shop.example/sale?x=1&y=2&utm_source=greentrack&utm_medium=email&utm_campaign=spring-2026',
    );
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    // The author's own utm_source wins.
    const guided = await get(guide ?? '');
    expect(guided.headers.get('location')).toBe(
      'https://shop.example/guide?utm_source=blog&utm_medium=email&utm_campaign=spring-2026',
    );
    clock.advance(1000);
    expect((await get(sale ?? '')).status).toBe(302);
    expect((await get(links(second.body, '/t/c/')[0] ?? '')).status).toBe(302);
    const events = await db
      .selectFrom('message_events')
      .select(['message_id', 'type', 'metadata'])
      .where('type', '=', 'click')
      .where('message_id', 'in', [first.id, second.id])
      .execute();
    // The seed's UNIQUE (message_id, type, occurred_at): the two clicks of the first message
    // at one instant are one event (as a scanner's double fetch would be); later ones count.
    expect(events).toHaveLength(3);
    expect((await stats()).clicked).toBe(2);

    // A resend re-renders the body with later tokens; the first send's link still works.
    const destination = res.headers.get('location') ?? '';
    const earlier = tokens.sign({
      kind: 'click',
      organizationId: first.organization_id,
      messageId: first.id,
      url: destination,
      ttlSeconds: 3600,
    });
    expect(first.body).not.toContain(earlier);
    expect((await get(`${API}/t/c/${earlier}`)).headers.get('location')).toBe(destination);
  });

  it('answers the open pixel uncached and counts each message once', async () => {
    const { messages, stats } = await sentCampaign(1);
    const pixel = /<img src="([^"]+)"/.exec(messages[0]?.body ?? '')?.[1] ?? '';
    const res = await get(pixel);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(new Uint8Array(await res.arrayBuffer()).slice(0, 6)).toEqual(
      new Uint8Array(Buffer.from('GIF89a')),
    );
    clock.advance(1000);
    await get(pixel);
    expect((await stats()).opened).toBe(1);
  });

  it('refuses forged, expired and misdirected tokens without writing', async () => {
    const a = await sentCampaign(1);
    const b = await sentCampaign(1);
    const message = a.messages[0];
    const other = b.messages[0];
    if (!message || !other) throw new Error('no messages');
    const click = links(message.body, '/t/c/')[0] ?? '';
    const token = click.slice(click.lastIndexOf('/') + 1);
    const [payload, signature] = token.split('.') as [string, string];
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    const otherSecret = createTrackingTokens(
      (label) => purposeKey('another-secret-0123456789abcdefghijklmnop', label),
      () => clock.now(),
    );
    const sign = (claims: Parameters<typeof tokens.sign>[0]) => tokens.sign(claims);
    const base = { organizationId: a.organizationId, messageId: message.id, ttlSeconds: 3600 };
    const cases: Array<[string, string, number]> = [
      ['flipped signature', `${API}/t/c/${payload}.${flipped}`, 404],
      ['no signature', `${API}/t/c/${payload}`, 404],
      ['garbage', `${API}/t/c/not-a-token`, 404],
      [
        'signed with another secret',
        `${API}/t/c/${otherSecret.sign({ ...base, kind: 'click', url: 'https://shop.example/sale' })}`,
        404,
      ],
      // A genuine open token is not a click token.
      [
        'open token on the click route',
        `${API}/t/c/${sign({ ...base, kind: 'open', url: null })}`,
        404,
      ],
      [
        'a URL the message never contained',
        `${API}/t/c/${sign({ ...base, kind: 'click', url: 'https://evil.example/' })}`,
        404,
      ],
      [
        "organization B's message named under organization A",
        `${API}/t/o/${sign({ ...base, messageId: other.id, kind: 'open', url: null })}`,
        404,
      ],
      [
        "unsubscribe for organization B's message under organization A",
        `${API}/t/u/${sign({ ...base, messageId: other.id, kind: 'unsubscribe', url: null })}`,
        404,
      ],
    ];
    const before = await databaseFingerprint(gt.db);
    for (const [name, url, status] of cases) {
      const res = await get(url);
      expect(res.status, name).toBe(status);
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code, name).toBe('TRACKING_TOKEN_INVALID');
    }
    const unsubscribeOther = `${API}/t/u/${sign({ ...base, messageId: other.id, kind: 'unsubscribe', url: null })}`;
    expect((await post(unsubscribeOther, 'List-Unsubscribe=One-Click')).status).toBe(404);

    // Expired: genuine links, a year and a day later (default lifetime 365 days).
    const now = clock.now();
    clock.advance(366 * DAY);
    for (const url of [click, ...links(message.body, '/t/u/')]) {
      const res = await get(url);
      expect(res.status).toBe(410);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'TRACKING_TOKEN_EXPIRED',
      );
    }
    expect(
      (await post(links(message.body, '/t/u/')[0] ?? '', 'List-Unsubscribe=One-Click')).status,
    ).toBe(410);
    // A person's browser gets a page saying so, not JSON.
    const page = await gt.handler(
      new Request(links(message.body, '/t/u/')[0] ?? '', { headers: { accept: 'text/html' } }),
    );
    expect(page.status).toBe(410);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('This link has expired');
    const mistyped = await gt.handler(
      new Request(`${API}/t/c/${payload}.${flipped}`, { headers: { accept: 'text/html' } }),
    );
    expect(mistyped.status).toBe(404);
    expect(await mistyped.text()).toContain('This link is not valid');
    clock.set(now);
    expect(await databaseFingerprint(gt.db)).toEqual(before);
  });

  it('unsubscribes on POST only, idempotently, and the dispatcher then skips the recipient', async () => {
    const sent = await sentCampaign(2);
    const [message] = sent.messages;
    if (!message) throw new Error('no message');
    const customerId = message.customer_id ?? '';
    const unsubscribe = links(message.body, '/t/u/')[0] ?? '';

    // A second campaign snapshots both customers before the unsubscribe.
    const campaign = await sent.org.campaigns.create({
      name: 'Follow-up',
      channel: 'email',
      template_id: sent.template.id,
      segment_id: sent.segment.id,
    });
    await sent.org.campaigns.schedule(campaign.id);
    const { startDueCampaigns } = await import('../campaigns/index.js');
    await startDueCampaigns({ database: gt.database, clock, emit: () => {} });

    const before = await databaseFingerprint(gt.db);
    const page = await get(unsubscribe);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<form method="post">');
    expect(html).toContain('name="List-Unsubscribe" value="One-Click"');
    // GET changes nothing, and neither does a POST without the RFC 8058 body.
    expect((await post(unsubscribe)).status).toBe(400);
    expect((await post(unsubscribe, 'List-Unsubscribe=Something')).status).toBe(400);
    expect(await databaseFingerprint(gt.db)).toEqual(before);

    const changes: unknown[] = [];
    gt.on('consent.changed', (event) => changes.push(event));
    const done = await post(unsubscribe, 'List-Unsubscribe=One-Click');
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('You are unsubscribed');
    clock.advance(1000);
    expect((await post(unsubscribe, 'List-Unsubscribe=One-Click')).status).toBe(200);
    expect(changes).toHaveLength(1);
    expect((await sent.org.consent.get(customerId)).email.status).toBe('unsubscribed');
    const events = await sent.db
      .selectFrom('message_events')
      .select('type')
      .where('message_id', '=', message.id)
      .execute();
    expect(events).toEqual([{ type: 'unsubscribe' }]);
    expect((await sent.stats()).unsubscribed).toBe(1);
    expect(await (await get(unsubscribe)).text()).toContain('You are unsubscribed');

    // The follow-up reaches only the one still subscribed.
    await gt.worker.tick();
    const followUp = await sent.db
      .selectFrom('messages as m')
      .innerJoin('campaign_runs as r', 'r.id', 'm.campaign_run_id')
      .select('m.customer_id')
      .where('r.campaign_id', '=', campaign.id)
      .execute();
    expect(followUp.map((m) => m.customer_id)).toEqual([sent.people[1]?.id]);
  });

  it('refuses a real provider without secret and tracking.baseUrl', async () => {
    const provider: EmailProvider = {
      id: 'acme',
      channel: 'email',
      capabilities: { maxBatch: 10, idempotent: false, ratePerSecond: 10 },
      send: async () => [],
    };
    await expect(
      createGreenTrack({ secret: SECRET, providers: { email: provider } }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      details: { issues: [{ path: 'tracking.baseUrl' }] },
    });
  });
});
