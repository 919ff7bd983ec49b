/**
 * `<gt-campaign-dashboard>` against the real server of test/global-setup.ts, in the "Shop"
 * organization of test/dashboard-fixture.ts: campaigns "Winter winback" (SMS draft, no run),
 * "Spring sale" (one run: audience 10, sent 9, failed 1) and "Autumn promo" (two runs), newest
 * first. No test writes to it.
 */
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { commands, page, userEvent } from 'vitest/browser';
import { type Campaign, GtCampaignDashboard } from './campaign-dashboard.js';

const api = inject('greentrackApi');
const { token, campaigns } = api.dashboard;
const realFetch = globalThis.fetch;
let container: HTMLElement | undefined;

beforeEach(async () => {
  await page.viewport(1024, 768);
});

afterEach(async () => {
  container?.remove();
  container = undefined;
  globalThis.fetch = realFetch;
  await commands.setColorScheme('light');
});

function mount(attributes = ''): GtCampaignDashboard {
  container?.remove();
  container = document.createElement('div');
  container.innerHTML = `<gt-campaign-dashboard api-base="${api.baseUrl}" token="${token}" ${attributes}></gt-campaign-dashboard>`;
  document.body.append(container);
  const el = container.querySelector('gt-campaign-dashboard');
  if (!el) throw new Error('no <gt-campaign-dashboard>');
  return el;
}

const shadow = (el: GtCampaignDashboard) => el.shadowRoot as ShadowRoot;
const text = (node: Element | null | undefined) => node?.textContent?.replace(/\s+/g, ' ').trim();
const campaignNames = (el: GtCampaignDashboard) => () =>
  [...shadow(el).querySelectorAll('[part~="campaign"] .campaign-name')].map((n) => n.textContent);
const heading = (el: GtCampaignDashboard) => () =>
  text(shadow(el).querySelector('[part~="heading"]'));
const status = (el: GtCampaignDashboard) => () =>
  text(shadow(el).querySelector('[part~="status"]'));
/** Each run's heading and tiles, as "label value note" strings. */
const runs = (el: GtCampaignDashboard) => () =>
  [...shadow(el).querySelectorAll('[part~="run"]')].map((run) => ({
    heading: text(run.querySelector('h4')),
    tiles: [...run.querySelectorAll('[part~="tile"]')].map((tile) => text(tile)),
  }));
const alertText = () =>
  text(
    container?.querySelector('gt-campaign-dashboard')?.shadowRoot?.querySelector('[role="alert"]'),
  );

async function expectNoAxeViolations(label: string) {
  const { violations } = await axe.run(container as HTMLElement);
  expect(
    violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    label,
  ).toEqual([]);
}

function selected(): Promise<CustomEvent<Campaign>> {
  return new Promise((resolve) =>
    container?.addEventListener('gt-campaign-select', (e) => resolve(e), { once: true }),
  );
}

const started = (iso: string) =>
  new Intl.DateTimeFormat(document.documentElement.lang || 'en', {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(iso));

describe('<gt-campaign-dashboard>', () => {
  it('is registered by its define module', () => {
    expect(customElements.get('gt-campaign-dashboard')).toBe(GtCampaignDashboard);
  });

  it('lists the campaigns newest first and shows the newest; a draft has no runs yet', async () => {
    const el = mount();
    await expect.poll(campaignNames(el)).toEqual(['Winter winback', 'Spring sale', 'Autumn promo']);
    expect([...shadow(el).querySelectorAll('[part~="campaign-meta"]')].map((m) => text(m))).toEqual(
      ['SMS · Draft', 'Email · Completed', 'Email · Completed'],
    );
    expect(heading(el)()).toBe('Winter winback');
    await expect.element(page.getByText('This campaign has not run yet.')).toBeInTheDocument();
    expect(
      shadow(el).querySelector('[part~="campaign"][aria-current="true"]')?.textContent,
    ).toContain('Winter winback');
  });

  it("shows a run's counters as tiles with their share of the audience", async () => {
    const el = mount(`campaign="${campaigns.spring}"`);
    await expect.poll(runs(el)).toEqual([
      {
        heading: `Run of ${started('2026-03-02T09:00:00Z')}`,
        tiles: ['Audience 10', 'Sent 9 90% of the audience', 'Failed 1 10% of the audience'],
      },
    ]);
    expect(heading(el)()).toBe('Spring sale');
  });

  it('lists every run newest first; counters it does not know show as named', async () => {
    const el = mount(`campaign="${campaigns.autumn}"`);
    await expect.poll(runs(el)).toEqual([
      {
        heading: `Run of ${started('2026-02-09T09:00:00Z')}`,
        tiles: ['Audience 5', 'Sent 3 60% of the audience', 'Skipped 2 40% of the audience'],
      },
      {
        heading: `Run of ${started('2026-02-02T09:00:00Z')}`,
        tiles: ['Audience 4', 'Sent 4 100% of the audience'],
      },
    ]);
  });

  it('dispatches a typed, bubbling, composed gt-campaign-select and shows the campaign', async () => {
    const el = mount();
    await expect.poll(campaignNames(el)).toHaveLength(3);
    const event = selected();
    await page.getByRole('button', { name: /Spring sale/ }).click();
    const { bubbles, composed, cancelable, detail } = await event;
    expect({ bubbles, composed, cancelable }).toEqual({
      bubbles: true,
      composed: true,
      cancelable: true,
    });
    expect(detail).toMatchObject({ id: campaigns.spring, name: 'Spring sale', channel: 'email' });
    await expect.poll(heading(el)).toBe('Spring sale');
    expect(el.getAttribute('campaign')).toBe(campaigns.spring);
    await expect.poll(() => runs(el)()[0]?.tiles[0]).toBe('Audience 10');
  });

  it('keeps the current campaign when the host cancels the event', async () => {
    const el = mount();
    await expect.poll(heading(el)).toBe('Winter winback');
    container?.addEventListener('gt-campaign-select', (e) => e.preventDefault(), { once: true });
    await page.getByRole('button', { name: /Autumn promo/ }).click();
    expect(el.campaign).toBe('');
    expect(heading(el)()).toBe('Winter winback');
  });

  it('keyboard only: one tab stop for the list, arrows move, Enter and Space choose', async () => {
    const before = document.createElement('button');
    before.textContent = 'before';
    document.body.prepend(before);
    try {
      const el = mount();
      await expect.poll(campaignNames(el)).toHaveLength(3);
      before.focus();
      await userEvent.tab();
      const focused = () => shadow(el).activeElement?.querySelector('.campaign-name')?.textContent;
      expect(focused()).toBe('Winter winback');
      await userEvent.keyboard('{ArrowDown}');
      expect(focused()).toBe('Spring sale');
      await userEvent.keyboard('{End}');
      expect(focused()).toBe('Autumn promo');
      await userEvent.keyboard('{ArrowDown}'); // stays on the last one
      expect(focused()).toBe('Autumn promo');
      const event = selected();
      await userEvent.keyboard('{Enter}');
      expect((await event).detail.name).toBe('Autumn promo');
      await expect.poll(heading(el)).toBe('Autumn promo');
      await userEvent.keyboard('{Home}');
      const spaced = selected();
      await userEvent.keyboard(' ');
      expect((await spaced).detail.name).toBe('Winter winback');
      // Leaving and coming back lands on the campaign last focused: one tab stop.
      await userEvent.tab({ shift: true });
      expect(document.activeElement).toBe(before);
      await userEvent.tab();
      expect(focused()).toBe('Winter winback');
    } finally {
      before.remove();
    }
  });

  it('takes its connection from <gt-provider>', async () => {
    container?.remove();
    container = document.createElement('div');
    container.innerHTML = `<gt-provider api-base="${api.baseUrl}" token="${token}"><gt-campaign-dashboard></gt-campaign-dashboard></gt-provider>`;
    await import('../provider/provider.js');
    document.body.append(container);
    const el = container.querySelector('gt-campaign-dashboard') as GtCampaignDashboard;
    await expect.poll(campaignNames(el)).toHaveLength(3);
  });

  it('shows an error with a retry that loads the campaigns', async () => {
    let failing = true;
    const errors: string[] = [];
    globalThis.fetch = (input, init) =>
      failing ? Promise.reject(new TypeError('Failed to fetch')) : realFetch(input, init);
    const el = mount();
    container?.addEventListener('gt-error', (e) => errors.push(e.detail.code));
    await expect.poll(alertText).toContain('Could not reach the server');
    expect(errors).toEqual(['NETWORK_ERROR']);
    failing = false;
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(campaignNames(el)).toHaveLength(3);
    expect(shadow(el).querySelector('[part~="error"]')).toBeNull();
  });

  it('has no axe-core violations in every state, light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await commands.setColorScheme(scheme);
      const theme = `theme="${scheme}"`;
      globalThis.fetch = (_input, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        );
      let el = mount(theme);
      await expect.poll(status(el)).toBe('Loading…');
      await expectNoAxeViolations(`${scheme} loading`);
      globalThis.fetch = realFetch;

      el = mount(theme);
      await expect
        .poll(() => text(shadow(el).querySelector('.note')))
        .toBe('This campaign has not run yet.');
      await expectNoAxeViolations(`${scheme} no runs`);

      el = mount(`${theme} campaign="${campaigns.autumn}"`);
      await expect.poll(() => runs(el)().length).toBe(2);
      await expectNoAxeViolations(`${scheme} runs`);

      container?.remove();
      container = document.createElement('div');
      container.innerHTML = `<gt-campaign-dashboard api-base="http://127.0.0.1:9/api" ${theme}></gt-campaign-dashboard>`;
      document.body.append(container);
      await expect.poll(alertText).toContain('Could not reach the server');
      await expectNoAxeViolations(`${scheme} error`);
    }
  });
});
