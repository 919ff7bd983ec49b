/**
 * `<gt-campaign-dashboard>` against the real server of test/global-setup.ts, in the "Shop"
 * organization of test/dashboard-fixture.ts (time zone America/New_York): campaigns "Winter
 * winback" (SMS draft, no run), "Spring sale" (one run with a holdout, messages, events,
 * payments and attributions; every number below is worked out in the fixture's header) and
 * "Autumn promo" (two runs), newest first. No test writes to it.
 */

import { createClient } from '@greentrack/core/client';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { commands, page, userEvent } from 'vitest/browser';
import {
  type Campaign,
  type DashboardChangeDetail,
  GtCampaignDashboard,
} from './campaign-dashboard.js';

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

function mount(attributes = '', withToken = token): GtCampaignDashboard {
  container?.remove();
  container = document.createElement('div');
  container.innerHTML = `<gt-campaign-dashboard api-base="${api.baseUrl}" token="${withToken}" ${attributes}></gt-campaign-dashboard>`;
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
    tiles: [...run.querySelectorAll('[part~="counters"] [part~="tile"]')].map((tile) => text(tile)),
  }));
const alertText = () =>
  text(
    container?.querySelector('gt-campaign-dashboard')?.shadowRoot?.querySelector('[role="alert"]'),
  );

/** The KPI tiles as "label value note" strings. */
const kpiTiles = (el: GtCampaignDashboard) => () =>
  [...shadow(el).querySelectorAll('[part~="kpis"] [part~="tile"]')].map((tile) => text(tile));
/** The daily table's rows (body and total) as arrays of cell texts. */
const tableRows =
  (el: GtCampaignDashboard, section: 'tbody' | 'tfoot' = 'tbody') =>
  () =>
    [...shadow(el).querySelectorAll(`[part~="table"] ${section} tr`)].map((row) =>
      [...row.children].map((cell) => text(cell)),
    );
const funnelSteps = (el: GtCampaignDashboard) => () =>
  [...shadow(el).querySelectorAll('[part~="funnel-step"]')].map((step) => text(step));
const holdoutRows = (el: GtCampaignDashboard) => () =>
  [...shadow(el).querySelectorAll('[part~="holdout"] tbody tr')].map((row) =>
    [...row.children].map((cell) => text(cell)),
  );
/** Spring sale's KPI tiles by last click (see the fixture's header). */
const SPRING_TOTALS = [
  'Sent 9',
  'Delivered 8 88.9% of sent',
  'Opened 6 75% of delivered',
  'Clicked 4 50% of delivered',
  'Unsubscribed 1 12.5% of delivered',
  'Conversions 2 25% of delivered',
  'Revenue $173.45',
];
const usd = (cents: number) =>
  new Intl.NumberFormat('en', { style: 'currency', currency: 'USD' }).format(cents / 100);
const pct = (ratio: number) =>
  new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 }).format(ratio);

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
    // A campaign never run has no results to show: no controls, tiles, chart or funnel.
    expect(
      shadow(el).querySelector('[part~="controls"], [part~="kpis"], [part~="funnel"]'),
    ).toBeNull();
  });

  it("shows a run's counters as tiles with their share of the audience", async () => {
    const el = mount(`campaign="${campaigns.spring}"`);
    await expect.poll(runs(el)).toEqual([
      {
        heading: `Run of ${started('2026-03-02T14:00:00Z')}`,
        tiles: [
          'Audience 12',
          'Held out 2 16.7% of the audience',
          'Sent 9 75% of the audience',
          'Failed 1 8.3% of the audience',
        ],
      },
    ]);
    expect(heading(el)()).toBe('Spring sale');
  });

  it("shows each run's own KPIs under its counters", async () => {
    const el = mount(`campaign="${campaigns.autumn}" model="linear"`);
    const runKpis = () =>
      [...shadow(el).querySelectorAll('[part~="run-kpis"]')].map((dl) =>
        [...dl.querySelectorAll('[part~="tile"]')].map((tile) => text(tile)),
      );
    // Autumn promo sent no tracked messages; linear credits its second run half of a payment.
    await expect
      .poll(() => runKpis().map((tiles) => tiles.at(-1)))
      .toEqual(['Revenue $25.00', 'Revenue $0.00']);
    el.campaign = campaigns.spring;
    el.model = 'last_click';
    // Its one run's KPIs are the campaign's.
    await expect.poll(runKpis).toEqual([SPRING_TOTALS]);
  });

  it('lists every run newest first; counters it does not know show as named', async () => {
    const el = mount(`campaign="${campaigns.autumn}"`);
    await expect.poll(runs(el)).toEqual([
      {
        heading: `Run of ${started('2026-02-09T14:00:00Z')}`,
        tiles: ['Audience 5', 'Sent 3 60% of the audience', 'Skipped 2 40% of the audience'],
      },
      {
        heading: `Run of ${started('2026-02-02T14:00:00Z')}`,
        tiles: ['Audience 4', 'Sent 4 100% of the audience'],
      },
    ]);
  });

  it('shows the KPI tiles of the campaign: counts, rates and revenue by last click', async () => {
    const el = mount(`campaign="${campaigns.spring}"`);
    await expect.poll(kpiTiles(el)).toEqual(SPRING_TOTALS);
    expect(text(shadow(el).querySelector('[part~="kpis"] + .note'))).toMatch(/^Totals as of /);
  });

  it('the model select re-reads conversions and revenue and tells the host', async () => {
    const el = mount(`campaign="${campaigns.spring}"`);
    await expect.poll(() => kpiTiles(el)().at(-1)).toBe('Revenue $173.45');
    const changed = new Promise<CustomEvent<DashboardChangeDetail>>((resolve) =>
      container?.addEventListener('gt-dashboard-change', (e) => resolve(e), { once: true }),
    );
    await page.getByLabelText('Attribution model').selectOptions('linear');
    const { detail, bubbles, composed } = await changed;
    expect({ detail, bubbles, composed }).toEqual({
      detail: { model: 'linear', from: '2026-03-01', to: '2026-03-30' },
      bubbles: true,
      composed: true,
    });
    // Linear gives half of customer 2's payment to another campaign.
    await expect.poll(() => kpiTiles(el)().at(-1)).toBe('Revenue $148.45');
    await expect.poll(() => tableRows(el, 'tfoot')()[0]?.at(-1)).toBe('$148.45');
    expect(el.getAttribute('model')).toBe('linear');
  });

  it("draws the daily chart (six lines) with the same numbers as a table, in the organization's days", async () => {
    const el = mount(`campaign="${campaigns.spring}"`);
    await expect.poll(() => shadow(el).querySelector('[part~="chart"] canvas')).not.toBeNull();
    const chart = shadow(el).querySelector('[part~="chart"]') as HTMLElement;
    expect(chart.getAttribute('role')).toBe('img');
    expect(chart.getAttribute('aria-label')).toBe(
      'Sends, deliveries, opens, clicks, conversions and revenue per day from Mar 1, 2026 to Mar 30, 2026 (days in America/New_York).',
    );
    expect(chart.querySelector('canvas')?.width).toBeGreaterThan(0);
    expect([...shadow(el).querySelectorAll('[part~="key"] li')].map((li) => text(li))).toEqual([
      'Sends',
      'Deliveries',
      'Opens',
      'Clicks',
      'Conversions',
      'Revenue',
    ]);
    // The table: one row per local day, zeros included. The message sent at 22:00 on Mar 2
    // in New York (Mar 3 in UTC) counts on Mar 2; the click at 23:30 on Mar 3 on Mar 3.
    const rows = tableRows(el)();
    expect(rows).toHaveLength(30);
    expect(rows.slice(0, 5)).toEqual([
      ['Mar 1, 2026', '0', '0', '0', '0', '0', '$0.00'],
      ['Mar 2, 2026', '9', '8', '4', '0', '0', '$0.00'],
      ['Mar 3, 2026', '0', '0', '2', '4', '0', '$0.00'],
      ['Mar 4, 2026', '0', '0', '0', '0', '1', '$123.45'],
      ['Mar 5, 2026', '0', '0', '0', '0', '1', '$50.00'],
    ]);
    expect(tableRows(el, 'tfoot')()).toEqual([['Total', '9', '8', '6', '4', '2', '$173.45']]);
    // Moved elsewhere in the page, it draws its chart again.
    container?.append(el);
    await expect.poll(() => shadow(el).querySelector('[part~="chart"] canvas')).not.toBeNull();
    // The table is behind a native disclosure: Tab to it, Enter opens it.
    const details = shadow(el).querySelector('details') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    (details.querySelector('summary') as HTMLElement).focus();
    await userEvent.keyboard('{Enter}');
    expect(details.open).toBe(true);
  });

  it('the period inputs ask for other days; a backwards period asks nothing', async () => {
    const el = mount(`campaign="${campaigns.spring}"`);
    await expect.poll(() => tableRows(el)().length).toBe(30);
    await page.getByLabelText('To').fill('2026-03-04');
    await expect.poll(() => tableRows(el)().length).toBe(4);
    await page.getByLabelText('From').fill('2026-03-03');
    await expect
      .poll(() => tableRows(el)().map((row) => row[0]))
      .toEqual(['Mar 3, 2026', 'Mar 4, 2026']);
    expect([el.getAttribute('from'), el.getAttribute('to')]).toEqual(['2026-03-03', '2026-03-04']);

    const seriesCalls: string[] = [];
    globalThis.fetch = (input, init) => {
      if (String(input).includes('/kpis/series')) seriesCalls.push(String(input));
      return realFetch(input, init);
    };
    el.from = '2026-03-10';
    await expect.element(page.getByText('Choose a period of 1 to 366 days.')).toBeInTheDocument();
    expect(shadow(el).querySelector('[part~="table"]')).toBeNull();
    expect(seriesCalls).toEqual([]);
  });

  it('shows the funnel from the frozen audience to conversion', async () => {
    const el = mount(`campaign="${campaigns.spring}"`);
    await expect.poll(() => funnelSteps(el)().length).toBe(6);
    const funnel = await createClient({ baseUrl: api.baseUrl, token }).kpis.funnel(
      campaigns.spring,
    );
    expect(funnel).toMatchObject({ sent: 9, delivered: 8, opened: 6, clicked: 4, converted: 2 });
    expect(funnelSteps(el)()).toEqual([
      `Audience ${funnel.audience}`,
      `Sent 9 ${pct(9 / funnel.audience)} of the step before`,
      'Delivered 8 88.9% of the step before',
      'Opened 6 75% of the step before',
      'Clicked 4 66.7% of the step before',
      'Converted 2 50% of the step before',
    ]);
  });

  it('compares treated with held-out recipients, with 95% intervals and incremental revenue', async () => {
    const el = mount(`campaign="${campaigns.spring}"`);
    await expect.poll(() => holdoutRows(el)().length).toBe(3);
    const comparison = await createClient({ baseUrl: api.baseUrl, token }).campaigns.holdout(
      campaigns.spring,
    );
    const { difference, incremental } = comparison;
    if (!difference || !incremental) throw new Error('the fixture has a holdout');
    const interval = (i: { low: number | null; high: number | null }, f: (n: number) => string) =>
      i.low === null || i.high === null
        ? 'Too few recipients for an interval.'
        : `95% interval: ${f(i.low)} to ${f(i.high)}`;
    const signed = (r: number) => `${r > 0 ? '+' : ''}${pct(r)}`;
    // Treated: customers 1–10, two paid ($173.45); held out: 11 and 12, one paid ($20.00).
    expect(holdoutRows(el)()).toEqual([
      ['Recipients', '10', '2', ''],
      [
        'Conversion rate',
        '20%',
        '50%',
        `${signed(-0.3)}${interval(difference.conversion_rate, signed)}`,
      ],
      [
        'Revenue per recipient',
        usd(1734.5),
        usd(1000),
        `${usd(734.5)}${interval(difference.revenue_per_recipient_cents, usd)}`,
      ],
    ]);
    expect(difference.conversion_rate.estimate).toBeCloseTo(-0.3);
    const tiles = [
      ...shadow(el).querySelectorAll('[part~="holdout"] + [part~="tiles"] [part~="tile"]'),
    ];
    expect(tiles.map((t) => text(t))).toEqual([
      `Incremental revenue ${usd(incremental.revenue_cents.estimate)} ${interval(incremental.revenue_cents, usd)}`,
    ]);
    expect(incremental.revenue_cents.estimate).toBeCloseTo(7345);
    expect(text(shadow(el).querySelector('[part~="holdout"] caption'))).toBe(
      "Conversions within 14 days of each run's start.",
    );

    // A campaign without a holdout shows no comparison.
    el.campaign = campaigns.autumn;
    await expect.poll(() => runs(el)().length).toBe(2);
    expect(shadow(el).querySelector('[part~="holdout"]')).toBeNull();
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
    await expect.poll(() => runs(el)()[0]?.tiles[0]).toBe('Audience 12');
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

  it('works with a token scoped to campaign.read alone, as a host mints for a dashboard page', async () => {
    const errors: string[] = [];
    const el = mount(`campaign="${campaigns.spring}"`, api.dashboard.readToken);
    container?.addEventListener('gt-error', (e) => errors.push(e.detail.code));
    await expect.poll(kpiTiles(el)).toEqual(SPRING_TOTALS);
    await expect.poll(() => holdoutRows(el)().length).toBe(3);
    await expect.poll(() => funnelSteps(el)().length).toBe(6);
    await expect.poll(() => tableRows(el)().length).toBe(30);
    expect(errors).toEqual([]);
  });

  it('an expired token: one gt-token-expired, then every load with the fresh token', async () => {
    const el = mount(`campaign="${campaigns.spring}"`, api.expiredToken);
    const expired: string[] = [];
    const errors: string[] = [];
    container?.addEventListener('gt-error', (e) => errors.push(e.detail.code));
    container?.addEventListener('gt-token-expired', (e) => {
      expired.push(e.detail.code);
      // A host fetches a fresh token from its server.
      setTimeout(() => {
        el.token = token;
      }, 20);
    });
    await expect.poll(kpiTiles(el)).toEqual(SPRING_TOTALS);
    await expect.poll(() => holdoutRows(el)().length).toBe(3);
    expect(expired).toEqual(['UNAUTHENTICATED']);
    expect(errors).toEqual([]);
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
      await expect.element(page.getByText('This campaign has not run yet.')).toBeInTheDocument();
      await expectNoAxeViolations(`${scheme} no runs`);

      el = mount(`${theme} campaign="${campaigns.spring}"`);
      await expect.poll(() => holdoutRows(el)().length).toBe(3);
      await expect.poll(() => shadow(el).querySelector('[part~="chart"] canvas')).not.toBeNull();
      await page.getByText('Show the numbers as a table').click();
      await expectNoAxeViolations(`${scheme} everything`);

      container?.remove();
      container = document.createElement('div');
      container.innerHTML = `<gt-campaign-dashboard api-base="http://127.0.0.1:9/api" ${theme}></gt-campaign-dashboard>`;
      document.body.append(container);
      await expect.poll(alertText).toContain('Could not reach the server');
      await expectNoAxeViolations(`${scheme} error`);
    }
  });
  it('writes screenshots: light, dark, and a 390 px viewport', async () => {
    const shots = [
      { file: 'campaign-dashboard-light.png', theme: 'light', width: 1024 },
      { file: 'campaign-dashboard-dark.png', theme: 'dark', width: 1024 },
      { file: 'campaign-dashboard-390.png', theme: 'light', width: 390 },
    ] as const;
    for (const { file, theme, width } of shots) {
      await page.viewport(width, 800);
      const el = mount(`theme="${theme}" campaign="${campaigns.spring}"`);
      await expect.poll(() => holdoutRows(el)().length).toBe(3);
      await expect.poll(() => shadow(el).querySelector('[part~="chart"] canvas')).not.toBeNull();
      const path = await page.screenshot({ element: el, path: `../../screenshots/${file}` });
      expect(path).toContain(file);
    }
    await page.viewport(1024, 768);
  });
});
