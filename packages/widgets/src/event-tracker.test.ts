/**
 * `createEventTracker` of `@greentrack/core/client` in a real Chromium page, against the real
 * GreenTrack server of this package's test setup. Core has no browser test run of its own
 * (its Node tests use a stand-in page); here the cookie jar, `sessionStorage`, the
 * `pagehide` event and a cross-origin keepalive fetch with an `Authorization` header (so a
 * CORS preflight) are the browser's own. Only `location` is given, so the page keeps its URL.
 */
import { createClient, createEventTracker } from '@greentrack/core/client';
import { expect, inject, it } from 'vitest';

const api = inject('greentrackApi');

it('stamps events with the _ga cookie, UTM and session, and flushes on pagehide with keepalive', async () => {
  // biome-ignore lint/suspicious/noDocumentCookie: the test plays Google Analytics, which sets _ga so
  document.cookie = '_ga=GA1.1.424242.1717236000; path=/';
  sessionStorage.clear();
  const keepalive: boolean[] = [];
  const tracker = createEventTracker({
    apiBase: api.baseUrl,
    token: api.token,
    fetch: (input, init) => {
      keepalive.push(init?.keepalive === true);
      return fetch(input, init);
    },
    flushDelayMs: 60_000,
    environment: {
      document,
      window,
      sessionStorage,
      location: {
        search: '?utm_source=chromium&utm_campaign=browser-test',
        hostname: location.hostname,
      },
    },
  });
  tracker.track('chromium_flushed', { step: 1 });
  await tracker.flush();
  tracker.track('chromium_hidden', { step: 2 });
  window.dispatchEvent(new Event('pagehide'));
  await tracker.flush();
  expect(keepalive).toEqual([false, true]);

  const client = createClient({ baseUrl: api.baseUrl, token: api.token });
  for (const name of ['chromium_flushed', 'chromium_hidden']) {
    const { items } = await client.events.list({ name });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      source: 'web',
      ga_client_id: '424242.1717236000',
      utm_source: 'chromium',
      utm_campaign: 'browser-test',
      session_id: tracker.visit.session_id,
    });
  }
  // The session outlives the tracker: a second one on the next page keeps its id and UTM.
  const next = createEventTracker({
    apiBase: api.baseUrl,
    token: api.token,
    environment: {
      document,
      window,
      sessionStorage,
      location: { search: '', hostname: location.hostname },
    },
  });
  expect(next.visit).toEqual(tracker.visit);
  await Promise.all([tracker.close(), next.close()]);
});
