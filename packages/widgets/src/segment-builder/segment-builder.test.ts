/**
 * `<gt-segment-builder>` against a real GreenTrack server (see test/global-setup.ts): the
 * counts, validation paths and saved segments below are the server's own answers for three
 * fixture customers — Ada Lead (lead, vip, GB), Bob Lead (lead, US), Cy Customer
 * (customer, vip, DE). Only the stale-response test wraps `fetch`, to hold one real answer
 * back; it never invents one.
 */

import { createClient } from '@greentrack/core/client';
import { html, render } from 'lit';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { page } from 'vitest/browser';
import { defaultMessages } from '../base/messages.js';
import { GtSegmentBuilder, type Segment } from './segment-builder.js';

const api = inject('greentrackApi');

let container: HTMLElement | undefined;
const realFetch = globalThis.fetch;

afterEach(() => {
  container?.remove();
  container = undefined;
  globalThis.fetch = realFetch;
});

async function mount(debounceMs = 0): Promise<GtSegmentBuilder> {
  container = document.createElement('div');
  document.body.append(container);
  render(
    html`<gt-segment-builder
      api-base=${api.baseUrl}
      token=${api.token}
      .debounceMs=${debounceMs}
    ></gt-segment-builder>`,
    container,
  );
  const builder = container.querySelector('gt-segment-builder');
  if (!builder) throw new Error('no <gt-segment-builder> rendered');
  await builder.updateComplete;
  return builder;
}

function part(el: GtSegmentBuilder, name: string): HTMLElement {
  const found = el.shadowRoot?.querySelector<HTMLElement>(`[part~="${name}"]`);
  if (!found) throw new Error(`no ${name} part`);
  return found;
}

const summary = () => page.getByRole('status');
/** The live region's text: `toHaveTextContent` matches the whole text, we want a part. */
const summaryText = () => summary().element().textContent ?? '';

describe('<gt-segment-builder>', () => {
  it('is registered by its define module', () => {
    expect(customElements.get('gt-segment-builder')).toBe(GtSegmentBuilder);
  });

  it('builds the exact rule JSON as conditions are edited', async () => {
    const el = await mount();
    // One row to start with: "Type is Lead".
    expect(el.rule).toEqual({ all: [{ field: 'type', op: 'eq', value: 'lead' }] });

    await page.getByLabelText('Condition 1 value').selectOptions('customer');
    expect(el.rule).toEqual({ all: [{ field: 'type', op: 'eq', value: 'customer' }] });

    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabelText('Condition 2 field').selectOptions('tags');
    // An empty list is an incomplete row: left out of the rule.
    expect(el.rule).toEqual({ all: [{ field: 'type', op: 'eq', value: 'customer' }] });
    await page.getByLabelText('Condition 2 value').fill(' vip, wholesale ,, ');

    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabelText('Condition 3 field').selectOptions('created_at');
    await page.getByLabelText('Condition 3 value').fill('30');

    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabelText('Condition 4 field').selectOptions('consent');
    await page.getByLabelText('Condition 4 value').selectOptions('sms');

    await page.getByLabelText('Match').selectOptions('any');
    expect(el.rule).toEqual({
      any: [
        { field: 'type', op: 'eq', value: 'customer' },
        { field: 'tags', op: 'has_any', values: ['vip', 'wholesale'] },
        { field: 'created_at', op: 'within_days', days: 30 },
        { field: 'consent', op: 'subscribed', channel: 'sms' },
      ],
    });

    await page.getByRole('button', { name: 'Remove condition 1' }).click();
    await page.getByLabelText('Condition 1 field').selectOptions('country');
    await page.getByLabelText('Condition 1 value').fill('gb, de');
    await page.getByLabelText('Condition 2 field').selectOptions('never_paid');
    await page.getByLabelText('Condition 3 field').selectOptions('overdue_amount');
    await page.getByLabelText('Condition 3 value').fill('10000');
    expect(el.rule).toEqual({
      any: [
        { field: 'country', op: 'in', values: ['gb', 'de'] },
        { field: 'never_paid' },
        { field: 'overdue_amount', op: 'gt', value: 10000 },
      ],
    });

    for (let i = 0; i < 3; i++)
      await page.getByRole('button', { name: 'Remove condition 1' }).click();
    expect(el.rule).toBeNull();
    await expect.poll(summaryText).toContain('Add a condition to see who matches.');
  });

  it('shows the live count and a sample with matched reasons from the server', async () => {
    await mount();
    await expect.poll(summaryText).toContain('2 customers match');
    await expect.poll(summaryText).toContain("Ada Lead (type = 'lead')");
    await expect.poll(summaryText).toContain("Bob Lead (type = 'lead')");
    expect(summary().element().getAttribute('aria-live')).toBe('polite');

    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabelText('Condition 2 field').selectOptions('tags');
    await page.getByLabelText('Condition 2 value').fill('vip');
    await expect.poll(summaryText).toContain('1 customer match');
    await expect.poll(summaryText).toContain("Ada Lead (type = 'lead'; tags HAS ANY ('vip'))");
  });

  it('debounces previews: quick edits send one request', async () => {
    const spy = vi.fn(realFetch);
    globalThis.fetch = spy;
    const el = await mount(200);
    await page.getByLabelText('Condition 1 value').selectOptions('customer');
    await page.getByLabelText('Condition 1 value').selectOptions('lead');
    await expect.poll(summaryText).toContain('2 customers match');
    const previews = spy.mock.calls.filter(([url]) => String(url).endsWith('/segments/preview'));
    expect(previews).toHaveLength(1);
    expect(JSON.parse(String(previews[0]?.[1]?.body))).toEqual({ rule: el.rule, sampleSize: 5 });
  });

  it('never lets a stale preview overwrite a newer one', async () => {
    // The first preview's (real) answer is held back until the second one has rendered.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let firstDone: Promise<unknown> | undefined;
    let previews = 0;
    globalThis.fetch = (input, init) => {
      const answer = realFetch(input, init);
      if (!String(input).endsWith('/segments/preview') || previews++ > 0) return answer;
      firstDone = gate.then(() => answer);
      return firstDone as Promise<Response>;
    };

    const el = await mount(); // preview 1: leads (2)
    await page.getByLabelText('Condition 1 value').selectOptions('customer'); // preview 2 (1)
    await expect.poll(summaryText).toContain('1 customer match');
    expect(previews).toBe(2);

    release();
    await firstDone;
    await el.updateComplete;
    await new Promise((resolve) => setTimeout(resolve, 0)); // let the stale answer land
    await el.updateComplete;
    expect(part(el, 'summary').textContent).toContain('1 customer match');
    expect(part(el, 'summary').textContent).toContain('Cy Customer');
    expect(part(el, 'summary').textContent).not.toContain('Ada Lead');
  });

  it("lists the server's validation path for a bad condition", async () => {
    const el = await mount();
    await page.getByLabelText('Condition 1 field').selectOptions('created_at');
    await page.getByLabelText('Condition 1 value').fill('0');
    expect(el.rule).toEqual({ all: [{ field: 'created_at', op: 'within_days', days: 0 }] });
    await expect.element(page.getByRole('list', { name: 'Problems' })).toBeVisible();
    expect(part(el, 'issues').textContent).toContain('rule.all.0.days');
    expect(part(el, 'issues').textContent).toContain('expected number to be >=1');

    // Fixing it clears the issue and shows the count again (all three were created just now).
    await page.getByLabelText('Condition 1 value').fill('7');
    await expect.poll(summaryText).toContain('3 customers match');
    expect(el.shadowRoot?.querySelector('[part~="issues"]')).toBeNull();
  });

  it('saves the segment, dispatches gt-segment-saved and the server has it', async () => {
    const el = await mount();
    const saved = new Promise<CustomEvent<Segment>>((resolve) =>
      container?.addEventListener('gt-segment-saved', (e) => resolve(e as CustomEvent<Segment>), {
        once: true,
      }),
    );
    await page.getByLabelText('Name').fill('Leads from the builder');
    await page.getByRole('button', { name: 'Save' }).click();
    const event = await saved;

    expect(event.bubbles).toBe(true);
    expect(event.composed).toBe(true);
    expect(event.detail).toMatchObject({
      name: 'Leads from the builder',
      type: 'rule',
      rule: { all: [{ field: 'type', op: 'eq', value: 'lead' }] },
    });

    const client = createClient({ baseUrl: api.baseUrl, token: api.token });
    const stored = await client.segments.get(event.detail.id);
    expect(stored).toEqual(event.detail);
    expect(el.rule).toEqual(stored.rule);
  });

  it('shows the server issue path when saving without a name', async () => {
    const el = await mount();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.element(page.getByRole('list', { name: 'Problems' })).toBeVisible();
    expect(part(el, 'issues').textContent).toContain('name');
  });

  it('shows network errors in plain language in the error part', async () => {
    const el = await mount();
    el.apiBase = 'http://127.0.0.1:9/api/greentrack'; // nothing listens on the discard port
    await expect.element(page.getByRole('alert')).toBeVisible();
    expect(part(el, 'error').textContent).toBe(defaultMessages.errors.network);
  });
});
