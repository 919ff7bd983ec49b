/**
 * The foundation every data widget shares, proven on `<gt-segment-builder>` against the real
 * server of test/global-setup.ts: plain-HTML configuration (provider or attributes), the
 * `gt-token-expired` handshake with one retry, one `gt-error` with a typed detail and a
 * plain-language message, and `@lit/task` aborting a request whose input changed.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { page } from 'vitest/browser';
import { defaultMessages } from '../base/default-messages.js';
import type { GtErrorDetail, GtTokenExpiredDetail } from '../base/events.js';
import type { GtProvider } from '../provider/provider.js';
import '../provider/provider.js';
import type { GtSegmentBuilder } from './segment-builder.js';
import './segment-builder.js';

const api = inject('greentrackApi');
const realFetch = globalThis.fetch;
let container: HTMLElement | undefined;

afterEach(() => {
  container?.remove();
  container = undefined;
  globalThis.fetch = realFetch;
});

/** Mounts plain HTML, as a page without any script of its own would have it. */
function mountHtml(markup: string): { builder: GtSegmentBuilder; events: Event[] } {
  container = document.createElement('div');
  const events: Event[] = [];
  for (const type of ['gt-error', 'gt-token-expired']) {
    container.addEventListener(type, (e) => events.push(e));
  }
  container.innerHTML = markup;
  document.body.append(container);
  const builder = container.querySelector('gt-segment-builder');
  if (!builder) throw new Error('no <gt-segment-builder>');
  return { builder, events };
}

function shadowPart(el: GtSegmentBuilder, name: string): HTMLElement | null {
  return el.shadowRoot?.querySelector<HTMLElement>(`[part~="${name}"]`) ?? null;
}
const summaryText = (el: GtSegmentBuilder) => () => shadowPart(el, 'summary')?.textContent ?? '';
const ofType = <T>(events: Event[], type: string) =>
  events.filter((e) => e.type === type) as CustomEvent<T>[];

describe('plain HTML configuration', () => {
  it('<gt-provider api-base token> connects the widget inside it', async () => {
    const { builder } = mountHtml(
      `<gt-provider api-base="${api.baseUrl}" token="${api.token}">
        <gt-segment-builder debounce-ms="0"></gt-segment-builder>
      </gt-provider>`,
    );
    await expect.poll(summaryText(builder)).toContain('2 customers match');
  });

  it('attributes alone on the widget connect it', async () => {
    const { builder } = mountHtml(
      `<gt-segment-builder api-base="${api.baseUrl}" token="${api.token}" debounce-ms="0"></gt-segment-builder>`,
    );
    await expect.poll(summaryText(builder)).toContain('2 customers match');
  });

  it("the widget's own attributes win over the provider's", async () => {
    const { builder, events } = mountHtml(
      `<gt-provider api-base="http://127.0.0.1:9/nowhere" token="bad">
        <gt-segment-builder api-base="${api.baseUrl}" token="${api.token}" debounce-ms="0"></gt-segment-builder>
      </gt-provider>`,
    );
    await expect.poll(summaryText(builder)).toContain('2 customers match');
    expect(events).toEqual([]);
  });

  it('says it is not connected, without a request, when no api-base is set', async () => {
    const { builder, events } = mountHtml(
      '<gt-segment-builder debounce-ms="0"></gt-segment-builder>',
    );
    await expect.poll(summaryText(builder)).toContain(defaultMessages.errors.notConfigured);
    expect(events).toEqual([]);
  });

  it('takes its strings from the messages object of the provider', async () => {
    const { builder } = mountHtml(
      `<gt-provider api-base="${api.baseUrl}" token="${api.token}">
        <gt-segment-builder debounce-ms="0"></gt-segment-builder>
      </gt-provider>`,
    );
    const provider = container?.querySelector('gt-provider') as GtProvider;
    provider.messages = {
      segmentBuilder: { matchCount: (n) => `${n} clients`, save: 'Enregistrer' },
    };
    await expect.poll(summaryText(builder)).toContain('2 clients');
    await expect.element(page.getByRole('button', { name: 'Enregistrer' })).toBeVisible();
  });
});

describe('gt-token-expired', () => {
  it('fires on an expired token and the widget retries once with the token the host sets', async () => {
    const { builder, events } = mountHtml(
      `<gt-provider api-base="${api.baseUrl}" token="${api.expiredToken}">
        <gt-segment-builder debounce-ms="0"></gt-segment-builder>
      </gt-provider>`,
    );
    const provider = container?.querySelector('gt-provider') as GtProvider;
    provider.addEventListener('gt-token-expired', () => {
      // A host fetches a fresh token from its server; any later moment works too.
      setTimeout(() => {
        provider.token = api.token;
      }, 20);
    });
    await expect.poll(summaryText(builder)).toContain('2 customers match');

    const expired = ofType<GtTokenExpiredDetail>(events, 'gt-token-expired');
    expect(expired).toHaveLength(1);
    expect(expired[0]?.bubbles).toBe(true);
    expect(expired[0]?.composed).toBe(true);
    expect(expired[0]?.detail).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    expect(expired[0]?.detail.message).toMatch(/expired/i); // the server's own words, for logs
    expect(expired[0]?.target).toBe(builder);
    expect(ofType(events, 'gt-error')).toHaveLength(0);
  });

  it('also fires for a malformed token; a refused fresh token ends in one gt-error', async () => {
    const { builder, events } = mountHtml(
      `<gt-segment-builder api-base="${api.baseUrl}" token="not-a-token" debounce-ms="0"></gt-segment-builder>`,
    );
    builder.addEventListener('gt-token-expired', () => {
      builder.token = 'still-not-a-token';
    });
    await expect.poll(() => ofType(events, 'gt-error').length).toBe(1);
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent(defaultMessages.errors.unauthenticated);
    expect(ofType(events, 'gt-token-expired')).toHaveLength(1);
    expect(ofType<GtErrorDetail>(events, 'gt-error')[0]?.detail).toMatchObject({
      code: 'UNAUTHENTICATED',
      status: 401,
      message: defaultMessages.errors.unauthenticated,
    });

    // A good token later recovers the failed preview.
    builder.token = api.token;
    await expect.poll(summaryText(builder)).toContain('2 customers match');
  });

  it('gives up after token-refresh-timeout when the host does not answer', async () => {
    const { builder, events } = mountHtml(
      `<gt-segment-builder api-base="${api.baseUrl}" token="not-a-token" token-refresh-timeout="50" debounce-ms="0"></gt-segment-builder>`,
    );
    await expect.poll(() => ofType(events, 'gt-error').length).toBe(1);
    expect(ofType<GtErrorDetail>(events, 'gt-error')[0]?.detail.code).toBe('UNAUTHENTICATED');
    expect(shadowPart(builder, 'error')?.textContent).toBe(defaultMessages.errors.unauthenticated);
  });
});

describe('gt-error', () => {
  it('is dispatched once with { code, message, status } and the message is shown', async () => {
    const { builder, events } = mountHtml(
      `<gt-segment-builder api-base="http://127.0.0.1:9/api/greentrack" token="${api.token}" debounce-ms="0"></gt-segment-builder>`,
    );
    await expect.element(page.getByRole('alert')).toBeVisible();
    const errors = ofType<GtErrorDetail>(events, 'gt-error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.bubbles && errors[0]?.composed).toBe(true);
    expect(errors[0]?.detail).toMatchObject({
      code: 'NETWORK_ERROR',
      status: 0,
      message: defaultMessages.errors.network,
    });
    const shown = shadowPart(builder, 'error')?.textContent ?? '';
    expect(shown).toBe(defaultMessages.errors.network);
    expect(shown).not.toMatch(/failed to fetch/i);
  });

  it("maps a server refusal to its code and status, never the server's raw text", async () => {
    // A token scoped to segment.read may preview but not save: the real server answers 403.
    const { builder, events } = mountHtml(
      `<gt-segment-builder api-base="${api.baseUrl}" token="${api.readOnlyToken}" debounce-ms="0"></gt-segment-builder>`,
    );
    await expect.poll(summaryText(builder)).toContain('2 customers match');
    await page.getByLabelText('Name').fill('Not allowed');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent(defaultMessages.errors.forbidden);
    const errors = ofType<GtErrorDetail>(events, 'gt-error');
    expect(errors.map((e) => ({ ...e.detail, cause: undefined }))).toEqual([
      {
        code: 'FORBIDDEN',
        status: 403,
        message: defaultMessages.errors.forbidden,
        cause: undefined,
      },
    ]);
    const raw = String((errors[0]?.detail.cause as Error | undefined)?.message);
    expect(raw).not.toBe('');
    expect(shadowPart(builder, 'error')?.textContent).not.toContain(raw);
  });
});

describe('loading through @lit/task', () => {
  it('aborts the previous request when the input changes; its answer is never rendered', async () => {
    const signals: AbortSignal[] = [];
    let held: Promise<unknown> = Promise.resolve();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    globalThis.fetch = (input, init) => {
      if (!String(input).endsWith('/segments/preview')) return realFetch(input, init);
      const signal = init?.signal ?? undefined;
      if (signal) signals.push(signal);
      if (signals.length > 1) return realFetch(input, init);
      // The first preview's real answer (2 leads) is held back until after the second.
      const answer = realFetch(input, { ...init, signal: null });
      const later = gate.then(() => answer);
      held = later;
      return later;
    };
    const { builder } = mountHtml(
      `<gt-segment-builder api-base="${api.baseUrl}" token="${api.token}" debounce-ms="0"></gt-segment-builder>`,
    );
    await expect.poll(() => signals.length).toBe(1);
    const seen: string[] = [];
    // The footer holds the count (the live region) and the sample.
    const footerText = () => shadowPart(builder, 'footer')?.textContent ?? '';
    const observer = new MutationObserver(() => seen.push(footerText()));
    const footer = shadowPart(builder, 'footer');
    if (!footer) throw new Error('no footer');
    observer.observe(footer, { subtree: true, childList: true, characterData: true });

    await page.getByLabelText('Condition 1 value').selectOptions('customer');
    await expect.poll(summaryText(builder)).toContain('1 customer matches');
    expect(signals).toHaveLength(2);
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[1]?.aborted).toBe(false);

    release();
    await held; // the stale answer has arrived…
    await new Promise((resolve) => setTimeout(resolve, 0)); // …and its continuations have run
    await builder.updateComplete;
    observer.disconnect();
    expect(footerText()).toContain('Cy Customer');
    expect(seen.join('\n')).not.toContain('2 customers match');
    expect(seen.join('\n')).not.toContain('Ada Lead');
  });
});
