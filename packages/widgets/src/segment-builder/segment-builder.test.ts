/**
 * `<gt-segment-builder>` against a real GreenTrack server (see test/global-setup.ts): the
 * counts, validation paths and saved segments below are the server's own answers for three
 * fixture customers — Ada Lead (lead, vip, GB), Bob Lead (lead, US), Cy Customer
 * (customer, vip, DE). Only the stale-response test wraps `fetch`, to hold one real answer
 * back; it never invents one.
 */

import { createClient } from '@greentrack/core/client';
import { describe, expect, it, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { api, mountBuilder, mounted, part, realFetch } from '../../test/builder-fixture.js';
import { holdPreviews } from '../../test/hold-previews.js';
import { defaultMessages } from '../base/default-messages.js';
import { GtSegmentBuilder, type Segment } from './segment-builder.js';

const summary = () => page.getByRole('status');
/** The live region's text: `toHaveTextContent` matches the whole text, we want a part. */
const summaryText = () => summary().element().textContent ?? '';

describe('<gt-segment-builder>', () => {
  it('is registered by its define module', () => {
    expect(customElements.get('gt-segment-builder')).toBe(GtSegmentBuilder);
  });

  it('builds the exact rule JSON as conditions are edited', async () => {
    const el = await mountBuilder();
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
    // Countries by code or by name; ISO codes are stored.
    await page.getByLabelText('Condition 1 value').fill('gb, germany');
    await page.getByLabelText('Condition 2 field').selectOptions('never_paid');
    await page.getByLabelText('Condition 3 field').selectOptions('overdue_amount');
    await page.getByLabelText('Condition 3 value').fill('100');
    expect(el.rule).toEqual({
      any: [
        { field: 'country', op: 'in', values: ['GB', 'DE'] },
        { field: 'never_paid' },
        { field: 'overdue_amount', op: 'gt', value: 10000 },
      ],
    });

    for (let i = 0; i < 3; i++)
      await page.getByRole('button', { name: 'Remove condition 1' }).click();
    expect(el.rule).toBeNull();
    await expect.poll(summaryText).toContain('Add a condition to see who matches.');
  });

  it('shows the live count and a sample with matched reasons in words', async () => {
    const el = await mountBuilder();
    await expect.poll(summaryText).toContain('2 customers match');
    expect(summary().element().getAttribute('aria-live')).toBe('polite');
    // The live region says the count and nothing else; the sample is explained in words.
    expect(summaryText()).toBe('2 customers match');
    const sample = () => part(el, 'sample').textContent?.replace(/\s+/g, ' ') ?? '';
    await expect.poll(sample).toContain('Ada Lead · Type is Lead');
    expect(sample()).toContain('Bob Lead · Type is Lead');

    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabelText('Condition 2 field').selectOptions('tags');
    await page.getByLabelText('Condition 2 value').fill('vip');
    await expect.poll(summaryText).toContain('1 customer match');
    await expect.poll(sample).toContain('Ada Lead · Type is Lead · Tags include any of vip');
    expect(sample()).not.toContain('Bob Lead');
  });

  it('debounces previews: quick edits send one request', async () => {
    const spy = vi.fn(realFetch);
    globalThis.fetch = spy;
    const el = await mountBuilder({ debounceMs: 200 });
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

    const el = await mountBuilder(); // preview 1: leads (2)
    await page.getByLabelText('Condition 1 value').selectOptions('customer'); // preview 2 (1)
    await expect.poll(summaryText).toContain('1 customer match');
    expect(previews).toBe(2);

    release();
    await firstDone;
    await el.updateComplete;
    await new Promise((resolve) => setTimeout(resolve, 0)); // let the stale answer land
    await el.updateComplete;
    expect(part(el, 'summary').textContent).toContain('1 customer match');
    expect(part(el, 'footer').textContent).toContain('Cy Customer');
    expect(part(el, 'footer').textContent).not.toContain('Ada Lead');
  });

  it('checks days before sending: the problem is in words on its row, tied to the input', async () => {
    const spy = vi.fn(realFetch);
    globalThis.fetch = spy;
    const el = await mountBuilder();
    await page.getByLabelText('Condition 1 field').selectOptions('created_at');
    // Days start at 30: the row is complete and counted at once.
    await expect.poll(summaryText).toContain('3 customers match');
    spy.mockClear();
    await page.getByLabelText('Condition 1 value').fill('0');
    const input = page.getByLabelText('Condition 1 value').element();
    await expect.poll(() => input.getAttribute('aria-invalid')).toBe('true');
    const problem = el.shadowRoot?.getElementById(input.getAttribute('aria-describedby') ?? '');
    expect(problem?.textContent?.trim()).toBe('Condition 1: enter 1 or more days');
    expect(problem?.closest('[part~="condition"]')).toBe(input.closest('[part~="condition"]'));
    // Never "0 match" for a rule that was not counted, and no request for it.
    expect(summaryText()).not.toMatch(/\d+ customers? match/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(spy.mock.calls.filter(([url]) => String(url).endsWith('/preview'))).toHaveLength(0);

    // Fixing it clears the problem and shows the count again (all three were created just now).
    await page.getByLabelText('Condition 1 value').fill('7');
    await expect.poll(summaryText).toContain('3 customers match');
    expect(input.hasAttribute('aria-invalid')).toBe(false);
    expect(el.shadowRoot?.querySelector('[part~="condition-error"]')).toBeNull();
  });

  it("maps the server's issue path (rule.all.1.values.0) onto the row it belongs to", async () => {
    const el = await mountBuilder();
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabelText('Condition 2 field').selectOptions('city');
    await page.getByLabelText('Condition 2 value').fill('x'.repeat(201));
    const input = page.getByLabelText('Condition 2 value').element();
    await expect.poll(() => input.getAttribute('aria-invalid')).toBe('true');
    expect(part(el, 'condition-error').textContent?.trim()).toBe(
      'Condition 2: use 200 characters or fewer per value',
    );
    expect(el.shadowRoot?.textContent).not.toContain('rule.all');
  });

  it('takes money in currency units and sends cents', async () => {
    const el = await mountBuilder();
    await page.getByLabelText('Condition 1 field').selectOptions('overdue_amount');
    await page.getByLabelText('Condition 1 value').fill('12.50');
    expect(el.rule).toEqual({ all: [{ field: 'overdue_amount', op: 'gt', value: 1250 }] });
    await expect.poll(summaryText).toContain('0 customers match');
    await page.getByLabelText('Condition 1 value').fill('12.5.0');
    await expect
      .poll(() => part(el, 'condition-error').textContent?.trim())
      .toBe('Condition 1: enter an amount like 12.50');
  });

  it('saves the segment, dispatches gt-segment-saved and the server has it', async () => {
    const el = await mountBuilder();
    const saved = new Promise<CustomEvent<Segment>>((resolve) =>
      mounted().addEventListener('gt-segment-saved', (e) => resolve(e as CustomEvent<Segment>), {
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

  it('checks the name before saving, in words, and focuses it', async () => {
    const spy = vi.fn(realFetch);
    globalThis.fetch = spy;
    const el = await mountBuilder();
    await page.getByRole('button', { name: 'Save' }).click();
    const name = part(el, 'name-input');
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    expect(part(el, 'name-error').textContent).toBe('Enter a name.');
    expect(name.getAttribute('aria-describedby')).toBe(part(el, 'name-error').id);
    expect(el.shadowRoot?.activeElement).toBe(name);
    expect(spy.mock.calls.filter(([url]) => String(url).endsWith('/segments'))).toHaveLength(0);
  });

  it('shows network errors in plain language in the error part', async () => {
    const el = await mountBuilder();
    el.apiBase = 'http://127.0.0.1:9/api/greentrack'; // nothing listens on the discard port
    await expect.element(page.getByRole('alert')).toBeVisible();
    expect(part(el, 'error').textContent).toBe(defaultMessages.errors.network);
  });

  it('aligns every Remove button on one x, whatever each row holds (wide screen)', async () => {
    await page.viewport(1024, 768);
    const el = await mountBuilder();
    for (const [n, field] of [
      [2, 'tags'],
      [3, 'never_paid'],
      [4, 'overdue_amount'],
    ] as const) {
      await page.getByRole('button', { name: 'Add condition' }).click();
      await page.getByLabelText(`Condition ${n} field`).selectOptions(field);
    }
    const removes = [...(el.shadowRoot?.querySelectorAll('[part~="remove-button"]') ?? [])];
    expect(removes).toHaveLength(4);
    const lefts = removes.map((b) => Math.round(b.getBoundingClientRect().left));
    expect(new Set(lefts).size).toBe(1);
    const fields = [...(el.shadowRoot?.querySelectorAll('[part~="field-select"]') ?? [])];
    expect(new Set(fields.map((f) => Math.round(f.getBoundingClientRect().width))).size).toBe(1);
    // Row labels stay visually hidden in columns.
    expect(part(el, 'cell-label').getBoundingClientRect().width).toBeLessThanOrEqual(1);
  });

  it('stacks rows as labelled cards on a 390 px screen', async () => {
    await page.viewport(390, 844);
    const el = await mountBuilder();
    await page.getByRole('button', { name: 'Add condition' }).click();
    const cards = [...(el.shadowRoot?.querySelectorAll<HTMLElement>('[part~="condition"]') ?? [])];
    expect(getComputedStyle(cards[0] as HTMLElement).borderTopStyle).toBe('solid');
    const [first, second] = cards.map((c) => c.getBoundingClientRect());
    expect((second as DOMRect).top - (first as DOMRect).bottom).toBeGreaterThanOrEqual(8);
    const card = cards[0] as HTMLElement;
    const label = card.querySelector('[part~="cell-label"]') as HTMLElement;
    expect(label.getBoundingClientRect().width).toBeGreaterThan(20);
    expect(card.querySelector('[part~="condition-heading"]')?.textContent).toBe('Condition 1');
    // Controls fill the card: field select and value select are equally wide, one above the other.
    const select = card.querySelector('[part~="field-select"]') as HTMLElement;
    const value = card.querySelector('[part~="value-input"]') as HTMLElement;
    expect(Math.round(select.getBoundingClientRect().width)).toBe(
      Math.round(value.getBoundingClientRect().width),
    );
    expect(value.getBoundingClientRect().top).toBeGreaterThan(
      select.getBoundingClientRect().bottom,
    );
  });

  it('keeps Save still across loading, count and error; a stale count is marked busy', async () => {
    await page.viewport(1024, 768);
    const previews = holdPreviews(realFetch);
    const el = await mountBuilder();
    const save = () => part(el, 'save-button').getBoundingClientRect();
    await expect.poll(summaryText).toBe('2 customers match');
    const atCount = save();

    previews.hold(true);
    await page.getByLabelText('Condition 1 value').selectOptions('customer');
    await expect.poll(() => summary().element().getAttribute('aria-busy')).toBe('true');
    // Loading: the old count stays, dimmed, with a visible sign; never a fresh "0 match".
    expect(summaryText()).toBe('2 customers match');
    expect(part(el, 'busy').textContent).toBe('Counting…');
    // Dimmed to the neutral colour (AA contrast, unlike the 0.55 opacity it replaced).
    expect(getComputedStyle(part(el, 'summary')).color).not.toBe(getComputedStyle(el).color);
    expect(save()).toEqual(atCount);
    previews.release();
    await expect.poll(summaryText).toBe('1 customer matches');
    expect(summary().element().getAttribute('aria-busy')).toBe('false');
    expect(save()).toEqual(atCount);

    previews.hold(false);
    el.apiBase = 'http://127.0.0.1:9/api/greentrack';
    await expect.element(page.getByRole('alert')).toBeVisible();
    expect(save()).toEqual(atCount);
  });

  it('never submits on Enter in a condition field', async () => {
    const spy = vi.fn(realFetch);
    globalThis.fetch = spy;
    const el = await mountBuilder();
    await page.getByLabelText('Name').fill('Enter test');
    await page.getByLabelText('Condition 1 field').selectOptions('tags');
    await page.getByLabelText('Condition 1 value').fill('vip');
    await userEvent.keyboard('{Enter}');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(spy.mock.calls.filter(([url]) => String(url).endsWith('/segments'))).toHaveLength(0);
    expect(part(el, 'save-button').textContent?.trim()).toBe('Save');
  });

  it('says "Saved ✓", never saves a duplicate, and the next save updates the same segment', async () => {
    const spy = vi.fn(realFetch);
    globalThis.fetch = spy;
    const el = await mountBuilder();
    const events: Segment[] = [];
    mounted().addEventListener('gt-segment-saved', (e) =>
      events.push((e as CustomEvent<Segment>).detail),
    );
    await page.getByLabelText('Name').fill('No duplicates');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => part(el, 'save-button').textContent?.trim()).toBe('Saved ✓');
    await page.getByRole('button', { name: 'Saved ✓' }).click();
    await page.getByLabelText('Condition 1 value').selectOptions('customer');
    expect(part(el, 'save-button').textContent?.trim()).toBe('Save');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => events.length).toBe(2);
    expect(events[1]?.id).toBe(events[0]?.id);
    const writes = spy.mock.calls.filter(
      ([url]) => /\/segments(\/[^/]+)?$/.test(String(url)) && !String(url).endsWith('/preview'),
    );
    expect(writes.map(([, init]) => init?.method)).toEqual(['POST', 'PATCH']);
    const client = createClient({ baseUrl: api.baseUrl, token: api.token });
    const named = (await client.segments.list()).items.filter((s) => s.name === 'No duplicates');
    expect(named).toHaveLength(1);
    expect(named[0]?.rule).toEqual({ all: [{ field: 'type', op: 'eq', value: 'customer' }] });
  });

  it('edits an existing segment: segment-id loads it, and load → change → save → reload is equal', async () => {
    const client = createClient({ baseUrl: api.baseUrl, token: api.token });
    const created = await client.segments.create({
      name: 'VIPs owing',
      rule: {
        any: [
          { field: 'tags', op: 'has_any', values: ['vip', 'gold'] },
          { field: 'overdue_amount', op: 'gt', value: 1250 },
        ],
      },
    });
    const el = await mountBuilder({ segmentId: created.id });
    await expect.poll(() => (part(el, 'name-input') as HTMLInputElement).value).toBe('VIPs owing');
    expect(page.getByLabelText('Match').element()).toHaveProperty('value', 'any');
    // Tags are chips; the input is empty for the next one.
    expect(
      [...(el.shadowRoot?.querySelectorAll('[data-key] [part~="chip"]') ?? [])].map((c) =>
        c.textContent?.replace('×', '').trim(),
      ),
    ).toEqual(['vip', 'gold']);
    expect(page.getByLabelText('Condition 1 value').element()).toHaveProperty('value', '');
    expect(page.getByLabelText('Condition 2 value').element()).toHaveProperty('value', '12.50');
    expect(el.rule).toEqual(created.rule);

    await page.getByLabelText('Condition 2 value').fill('20');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => part(el, 'save-button').textContent?.trim()).toBe('Saved ✓');
    const reloaded = await client.segments.get(created.id);
    expect(reloaded.rule).toEqual(el.rule);
    expect(reloaded.rule).toEqual({
      any: [
        { field: 'tags', op: 'has_any', values: ['vip', 'gold'] },
        { field: 'overdue_amount', op: 'gt', value: 2000 },
      ],
    });
    expect(
      (await client.segments.list()).items.filter((s) => s.name === 'VIPs owing'),
    ).toHaveLength(1);
  });

  it('focuses the new row on add, and the next row (or Add) on remove', async () => {
    const el = await mountBuilder();
    const active = () => el.shadowRoot?.activeElement;
    await page.getByRole('button', { name: 'Add condition' }).click();
    expect(active()).toBe(page.getByLabelText('Condition 2 field').element());
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByRole('button', { name: 'Remove condition 2' }).click();
    // The old third row is now the second: its field has focus.
    expect(active()).toBe(page.getByLabelText('Condition 2 field').element());
    await page.getByRole('button', { name: 'Remove condition 2' }).click();
    expect(active()).toBe(part(el, 'add-button'));
  });
});
