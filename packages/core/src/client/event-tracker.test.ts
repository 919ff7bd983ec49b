/**
 * The browser event tracker, in Node: core has no browser test setup, so the page is a
 * small stand-in (cookie string, query string, a Map as sessionStorage, listeners), while
 * every request goes through the real `gt.handler` with a real `event.track` widget token
 * and lands in the database. Timers are Vitest's fake ones (no sleeping).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import type { GreenTrack } from '../greentrack.js';
import { createEventTracker, type TrackerEnvironment } from './event-tracker.js';
import { currentVisit, gaClientIdFromCookie, utmFromSearch } from './page-context.js';

const BASE = 'http://host.test/api/greentrack';

describe('page context', () => {
  it('reads the GA client id from the _ga cookie only', () => {
    expect(gaClientIdFromCookie('theme=dark; _ga=GA1.1.123456789.1717236000; x=1')).toBe(
      '123456789.1717236000',
    );
    expect(gaClientIdFromCookie('_ga=GA1.2.55.66')).toBe('55.66');
    expect(gaClientIdFromCookie('_ga_ABC123=GS1.1.1717236000.1.0.0')).toBeNull();
    expect(gaClientIdFromCookie('_ga=garbage')).toBeNull();
    expect(gaClientIdFromCookie('_ga=GA1.1.abc.def')).toBeNull();
    expect(gaClientIdFromCookie('')).toBeNull();
  });

  it('reads UTM parameters and keeps the landing ones for the session', () => {
    expect(utmFromSearch('?utm_source=news&utm_medium=email&utm_campaign=spring&x=1')).toEqual({
      utm_source: 'news',
      utm_medium: 'email',
      utm_campaign: 'spring',
    });
    expect(utmFromSearch('?utm_source=')).toEqual({});
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: store.set.bind(store),
    };
    const landing = currentVisit(storage, {
      search: '?utm_source=news&utm_campaign=spring',
      referrer: 'https://mail.example/inbox',
      hostname: 'shop.example',
    });
    const later = currentVisit(storage, {
      search: '',
      referrer: 'https://shop.example/landing',
      hostname: 'shop.example',
    });
    expect(later).toEqual(landing);
    expect(later.referrer).toBe('https://mail.example/inbox');
    // A new campaign click in the same session replaces the UTM, not the session.
    const clicked = currentVisit(storage, {
      search: '?utm_source=ads',
      referrer: '',
      hostname: 'shop.example',
    });
    expect(clicked.session_id).toBe(landing.session_id);
    expect(clicked.utm).toEqual({ utm_source: 'ads' });
  });
});

describe(`event tracker against the handler [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let organizationId: string;
  let token: string;
  let customerId: string;
  const requests: Array<{ keepalive: boolean; count: number; status: number }> = [];
  const listeners = new Map<string, () => void>();

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      secret: 'event-tracker-test-secret-0123456789ab',
    }));
    const org = await makeOrganization(gt, 'Tracked shop');
    organizationId = org.organization.id;
    token = gt.tokens.issue({
      userId: org.staff.id,
      organizationId,
      scopes: ['event.track'],
      ttlSeconds: 3600,
    });
    customerId = (
      await gt
        .as({ userId: org.admin.id, organizationId })
        .customers.create({ name: 'Dee', type: 'customer', email: 'dee@example.com' })
    ).id;
  });
  afterEach(() => {
    vi.useRealTimers();
    requests.length = 0;
  });
  afterAll(() => cleanup());

  const store = new Map<string, string>();
  const page = (visibilityState = 'visible'): TrackerEnvironment => ({
    document: {
      cookie: '_ga=GA1.1.987654321.1717236000',
      referrer: 'https://search.example/?q=salon',
      visibilityState,
      addEventListener: (type, listener) => listeners.set(type, listener),
      removeEventListener: (type) => listeners.delete(type),
    },
    location: { search: '?utm_source=newsletter&utm_medium=email', hostname: 'shop.example' },
    sessionStorage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) },
    window: {
      addEventListener: (type, listener) => listeners.set(type, listener),
      removeEventListener: (type) => listeners.delete(type),
    },
  });
  const viaHandler: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = (await request.clone().json()) as { events: unknown[] };
    const response = await gt.handler(request);
    requests.push({
      keepalive: init?.keepalive === true,
      count: body.events.length,
      status: response.status,
    });
    return response;
  };
  const stored = (name: string) =>
    gt.database
      .tenant(organizationId)
      .selectFrom('events')
      .selectAll()
      .where('name', '=', name)
      .execute();

  it('batches events after a short delay, stamped with GA id, UTM, referrer and session', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const tracker = createEventTracker({
      apiBase: BASE,
      token: () => token,
      fetch: viaHandler,
      flushDelayMs: 500,
      environment: page(),
    });
    tracker.track('delayed', { step: 1 });
    tracker.track('delayed', { step: 2 }, { email: 'DEE@example.com' });
    tracker.track('delayed', { step: 3 }, { customerId });
    expect(requests).toEqual([]);
    vi.advanceTimersByTime(500);
    await tracker.flush();
    expect(requests).toEqual([{ keepalive: false, count: 3, status: 201 }]);
    const rows = await stored('delayed');
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row).toMatchObject({
        source: 'web',
        ga_client_id: '987654321.1717236000',
        utm_source: 'newsletter',
        utm_medium: 'email',
        utm_campaign: null,
        referrer: 'https://search.example/?q=salon',
        session_id: tracker.visit.session_id,
      });
    }
    expect(rows.filter((r) => r.customer_id === customerId)).toHaveLength(2);
    const session = await gt.database
      .tenant(organizationId)
      .selectFrom('ga_sessions')
      .selectAll()
      .where('ga_client_id', '=', '987654321.1717236000')
      .executeTakeFirst();
    expect(session?.customer_id).toBe(customerId);
    await tracker.close();
  });

  it('sends a full batch at once, without waiting for the delay', async () => {
    const tracker = createEventTracker({
      apiBase: BASE,
      token,
      fetch: viaHandler,
      flushDelayMs: 60_000,
      maxBatch: 2,
      environment: page(),
    });
    tracker.track('full');
    tracker.track('full');
    tracker.track('full');
    await Promise.resolve();
    await tracker.close();
    expect(requests.map((r) => r.count)).toEqual([2, 1]);
    expect(await stored('full')).toHaveLength(3);
  });

  it('flushes with a keepalive fetch when the page is hidden, in chunks under 64 KiB', async () => {
    const environment = page('hidden');
    const tracker = createEventTracker({
      apiBase: BASE,
      token,
      fetch: viaHandler,
      flushDelayMs: 60_000,
      environment,
    });
    // ~6 KiB of properties each: 30 events need several keepalive requests.
    for (let i = 0; i < 30; i++) tracker.track('hidden', { i, note: 'x'.repeat(6000) });
    listeners.get('visibilitychange')?.();
    await tracker.flush();
    expect(requests.every((r) => r.keepalive && r.status === 201)).toBe(true);
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.reduce((n, r) => n + r.count, 0)).toBe(30);
    expect(await stored('hidden')).toHaveLength(30);
    await tracker.close();
  });

  it('drops a refused batch and reports it; keeps events when the API cannot be reached', async () => {
    const errors: unknown[] = [];
    const refused = createEventTracker({
      apiBase: BASE,
      token: gt.tokens.issue({
        userId: (await makeOrganization(gt, 'Elsewhere')).staff.id,
        organizationId,
        scopes: ['event.track'],
      }),
      fetch: viaHandler,
      onError: (e) => errors.push(e),
      environment: page(),
    });
    refused.track('refused');
    await refused.close();
    expect(requests.map((r) => r.status)).toEqual([401]);
    expect(errors).toHaveLength(1);

    let down = true;
    const flaky: typeof fetch = (input, init) =>
      down ? Promise.reject(new TypeError('Failed to fetch')) : viaHandler(input, init);
    const tracker = createEventTracker({
      apiBase: BASE,
      token,
      fetch: flaky,
      onError: (e) => errors.push(e),
      environment: page(),
    });
    tracker.track('retried');
    await tracker.flush();
    expect(await stored('retried')).toHaveLength(0);
    down = false;
    await tracker.close();
    expect(await stored('retried')).toHaveLength(1);
  });
});
