/**
 * `<gt-segment-builder>`: every operator and predicate kind of the server's rule language,
 * nested and negated groups, tag and country chips, "similar to", keyboard use, axe-core,
 * layout and screenshots — against the real server of test/global-setup.ts (Ada Lead: lead,
 * vip, GB; Bob Lead: lead, US; Cy Customer: customer, vip, DE). Counts are compared with the
 * preview API's own answer for the rule the builder produced.
 */
import { createClient } from '@greentrack/core/client';
import axe from 'axe-core';
import { afterEach, describe, expect, it } from 'vitest';
import { commands, page, userEvent } from 'vitest/browser';
import { all, api, mountBuilder, mounted, part, realFetch } from '../../test/builder-fixture.js';
import { holdPreviews } from '../../test/hold-previews.js';
import type { GtSegmentBuilder, Segment, SegmentRule } from './segment-builder.js';

const client = createClient({ baseUrl: api.baseUrl, token: api.token });

afterEach(async () => {
  await commands.setColorScheme('light');
});

const summaryText = (el: GtSegmentBuilder) => () => part(el, 'summary').textContent ?? '';
const active = (el: GtSegmentBuilder) => el.shadowRoot?.activeElement;
const label = (text: string) => page.getByLabelText(text, { exact: true });

/** The builder's count, once the preview for its current rule has landed, and the API's. */
async function counts(el: GtSegmentBuilder, vector?: { text: string; threshold: number }) {
  const rule = el.rule ?? undefined;
  const expected = await client.segments.previewDraft({
    ...(rule ? { rule } : {}),
    ...(vector ? { vector } : {}),
  });
  const want = `${expected.count} ${expected.count === 1 ? 'customer matches' : 'customers match'}`;
  await expect.poll(summaryText(el)).toBe(want);
  expect(part(el, 'summary').getAttribute('aria-busy')).toBe('false');
  return expected.count;
}

async function axeViolations(): Promise<string[]> {
  const container = mounted();
  // A count that just landed fades in (0.15 s): contrast is judged once it has.
  const builder = container.querySelector('gt-segment-builder');
  await Promise.all((builder?.shadowRoot?.getAnimations() ?? []).map((a) => a.finished));
  const { violations } = await axe.run(container, { resultTypes: ['violations'] });
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const click = (name: string) => page.getByRole('button', { name, exact: true }).click();

/**
 * Sets the controls of condition `n` in order, by the rest of their accessible names
 * ("Condition 2 days" → `days`): a select picks the option, an input is filled.
 */
async function setCondition(n: string, controls: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(controls)) {
    const control = label(`Condition ${n} ${name}`);
    if (control.element() instanceof HTMLSelectElement) await control.selectOptions(value);
    else await control.fill(value);
  }
}

/** A builder with a negated row, a nested "any" group holding tag chips and a country chip. */
async function buildNested(el: GtSegmentBuilder): Promise<void> {
  await setCondition('1', { operator: '!eq', value: 'customer' });
  await click('Add group');
  await label('Group 2 match').selectOptions('any');
  await setCondition('2.1', { field: 'country', value: 'United Kingdom,' });
  await click('Add condition to group 2');
  await setCondition('2.2', { field: 'tags', operator: 'has_all', value: 'vip,' });
  await el.updateComplete;
}

describe('operators and kinds: the count equals the preview API', () => {
  it('negation and a nested group (is not; any of: country, tags include all of)', async () => {
    const el = await mountBuilder();
    await buildNested(el);
    expect(el.rule).toEqual({
      all: [
        { not: { field: 'type', op: 'eq', value: 'customer' } },
        {
          any: [
            { field: 'country', op: 'in', values: ['GB'] },
            { field: 'tags', op: 'has_all', values: ['vip'] },
          ],
        },
      ],
    });
    expect(await counts(el)).toBe(1);
    // The chip shows the country's name; the rule holds its code; the input is cleared.
    expect(label('Condition 2.1 value').element()).toHaveProperty('value', '');
    expect(all(el, '[part~="chip"]')[0]?.textContent).toContain('United Kingdom');

    // "None of" wraps the group in `not`; the sample explains it in words.
    await label('Group 2 match').selectOptions('none');
    expect(el.rule).toMatchObject({ all: [{}, { not: { any: [{}, {}] } }] });
    expect(await counts(el)).toBe(1);
    await expect
      .poll(() => part(el, 'sample').textContent ?? '')
      .toContain(
        'Bob Lead · Type is not Customer · No condition: (Country is one of United Kingdom; Tags include all of vip)',
      );
  });

  it.each([
    ['name', 'contains', 'Lead', 2],
    ['notes', '!contains', 'x', 3],
    ['email_domain', 'eq', 'example.com', 3],
    ['city', '!in', 'Portland', 3],
    ['tags', 'has_none', 'vip', 1],
    ['consent', 'unsubscribed', '', -1],
    ['invoice_status', '!has', '', 3],
    ['engagement', 'not_messaged', '', 3],
    ['last_paid', 'older_than', '', 0],
    ['never_paid', '', '', 3],
    ['event', 'at_least', 'signup', 0],
  ] as const)('%s %s %s', async (field, op, value, expected) => {
    const el = await mountBuilder();
    await label('Condition 1 field').selectOptions(field);
    if (op && el.shadowRoot?.querySelector('[part~="op-select"]'))
      await label('Condition 1 operator').selectOptions(op);
    if (value) await label('Condition 1 value').fill(value);
    const predicate = JSON.stringify(el.rule);
    expect(predicate).toContain(`"field":"${field}"`);
    if (op) expect(predicate).toContain(`"op":"${op.replace('!', '')}"`);
    if (op.startsWith('!')) expect(predicate).toContain('"not"');
    const count = await counts(el);
    if (expected >= 0) expect(count).toBe(expected);
  });

  it('money, counts, days and dates: paid, invoices, events, created between', async () => {
    const el = await mountBuilder();
    await setCondition('1', { field: 'paid_total', operator: 'lt', value: '10.50', days: '90' });
    await click('Add condition');
    await setCondition('2', { field: 'invoice_count', operator: 'lt', value: '2' });
    await click('Add condition');
    await setCondition('3', {
      field: 'created_at',
      operator: 'between',
      value: '2020-01-01',
      'end date': '2099-12-31',
    });
    await page.getByLabelText('Match').selectOptions('any');
    expect(el.rule).toEqual({
      any: [
        { field: 'paid_total', op: 'lt', value: 1050, days: 90 },
        { field: 'invoice_count', op: 'lt', value: 2, days: 30 },
        {
          field: 'created_at',
          op: 'between',
          from: '2020-01-01T00:00:00.000Z',
          to: '2100-01-01T00:00:00.000Z',
        },
      ],
    });
    expect(await counts(el)).toBe(3);
    await expect
      .poll(() => part(el, 'sample').textContent ?? '')
      .toContain('Paid less than $10.50 in the last 90 days');
  });

  it('"similar to" adds a vector criterion; the count is the API\'s', async () => {
    const el = await mountBuilder();
    await page.getByLabelText('Similar to').fill('Ada Lead vip GB');
    await page.getByLabelText('Similarity at least (%)').fill('5');
    const count = await counts(el, { text: 'Ada Lead vip GB', threshold: 0.05 });
    expect(count).toBeGreaterThan(0);
    await expect.poll(() => part(el, 'sample').textContent ?? '').toMatch(/\d+ % similar/);
    await page.getByLabelText('Similarity at least (%)').fill('200');
    await expect
      .poll(() =>
        page.getByLabelText('Similarity at least (%)').element().getAttribute('aria-invalid'),
      )
      .toBe('true');
  });
});

describe('edit mode', () => {
  it('round-trips a stored segment with nested, negated groups, kept keys and a vector', async () => {
    const rule: SegmentRule = {
      any: [
        { not: { field: 'tags', op: 'has_any', values: ['vip'] } },
        {
          not: {
            all: [
              { field: 'country', op: 'eq', value: 'DE' },
              { field: 'engagement', op: 'clicked', days: 14 },
            ],
          },
        },
        {
          field: 'event',
          name: 'plan_changed',
          op: 'at_least',
          value: 2,
          days: 30,
          property: { key: 'plan', value: 'pro' },
        },
        { field: 'overdue_amount', op: 'gt', value: 1250 },
      ],
    };
    const created = await client.segments.create({
      name: 'Nested edit',
      rule,
      vector: { text: 'bakery', threshold: 0.35 },
    });
    const el = await mountBuilder({ segmentId: created.id });
    await expect.poll(() => (part(el, 'name-input') as HTMLInputElement).value).toBe('Nested edit');
    expect(el.rule).toEqual(created.rule);
    expect(page.getByLabelText('Match').element()).toHaveProperty('value', 'any');
    expect(label('Condition 1 operator').element()).toHaveProperty('value', '!has_any');
    expect(label('Group 2 match').element()).toHaveProperty('value', 'not_all');
    expect(label('Condition 2.1 operator').element()).toHaveProperty('value', 'eq');
    expect(label('Condition 4 value').element()).toHaveProperty('value', '12.50');
    expect(page.getByLabelText('Similarity at least (%)').element()).toHaveProperty('value', '35');
    expect(part(el, 'save-button').textContent?.trim()).toBe('Saved ✓');

    await page.getByLabelText('Name').fill('Nested edit 2');
    await click('Save');
    await expect.poll(() => part(el, 'save-button').textContent?.trim()).toBe('Saved ✓');
    const reloaded = await client.segments.get(created.id);
    expect(reloaded.name).toBe('Nested edit 2');
    expect(reloaded.rule).toEqual(created.rule);
    expect(reloaded.vector).toEqual({ text: 'bakery', threshold: 0.35 });
  });
});

describe('keyboard only', () => {
  it('adds a condition, picks field, operator and a tag chip, adds a group, removes a row, saves', async () => {
    const el = await mountBuilder();
    const saved = new Promise<Segment>((resolve) =>
      mounted().addEventListener('gt-segment-saved', (e) =>
        resolve((e as CustomEvent<Segment>).detail),
      ),
    );
    await userEvent.tab();
    expect(active(el)).toBe(part(el, 'name-input'));
    await userEvent.keyboard('Keyboard VIPs');
    const tabTo = async (target: () => Element) => {
      for (let i = 0; i < 30 && active(el) !== target(); i++) await userEvent.tab();
      expect(active(el)).toBe(target());
    };
    const button = (name: string) => () =>
      page.getByRole('button', { name, exact: true }).element();
    await tabTo(button('Add condition'));
    await userEvent.keyboard('{Enter}');
    expect(active(el)).toBe(label('Condition 2 field').element());
    await userEvent.keyboard('Tags');
    expect(label('Condition 2 field').element()).toHaveProperty('value', 'tags');
    await userEvent.tab();
    expect(active(el)).toBe(label('Condition 2 operator').element());
    await userEvent.keyboard('include all');
    expect(label('Condition 2 operator').element()).toHaveProperty('value', 'has_all');
    await userEvent.tab();
    const input = label('Condition 2 value').element();
    expect(active(el)).toBe(input);
    await userEvent.keyboard('vi');
    // Suggestions come from GET /tags.
    await expect.poll(() => input.getAttribute('aria-expanded')).toBe('true');
    await userEvent.keyboard('{ArrowDown}');
    const option = el.shadowRoot?.getElementById(input.getAttribute('aria-activedescendant') ?? '');
    expect(option?.textContent?.trim()).toBe('vip');
    expect(option?.getAttribute('aria-selected')).toBe('true');
    await userEvent.keyboard('{Enter}');
    expect(all(el, '[part~="chip"]').map((c) => c.textContent?.replace('×', '').trim())).toEqual([
      'vip',
    ]);
    expect(active(el)).toBe(input);

    await tabTo(button('Add group'));
    await userEvent.keyboard('{Enter}');
    expect(active(el)).toBe(label('Group 3 match').element());
    await tabTo(button('Remove condition 3.1'));
    await userEvent.keyboard('{Enter}');
    expect(active(el)).toBe(button('Add condition to group 3')());
    await tabTo(button('Remove condition 1'));
    await userEvent.keyboard('{Enter}');
    // The old second row moved up: its field has focus.
    expect(active(el)).toBe(label('Condition 1 field').element());
    expect(el.rule).toEqual({ all: [{ field: 'tags', op: 'has_all', values: ['vip'] }] });

    for (let i = 0; i < 40 && active(el) !== part(el, 'save-button'); i++) await userEvent.tab();
    expect(active(el)).toBe(part(el, 'save-button'));
    await userEvent.keyboard('{Enter}');
    expect((await saved).rule).toEqual(el.rule);
  });
});

describe('layout, axe-core and screenshots', () => {
  it('aligns the Remove buttons of rows and groups at every depth; Save stays put', async () => {
    await page.viewport(1024, 768);
    const el = await mountBuilder();
    await buildNested(el);
    await click('Add condition to group 2');
    await label('Condition 2.3 field').selectOptions('paid_total');
    const removes = all(el, '[part~="remove-button"]');
    expect(removes).toHaveLength(5);
    expect(new Set(removes.map((b) => Math.round(b.getBoundingClientRect().left))).size).toBe(1);
    // The nested rows are indented: their field selects start further right.
    const fields = all(el, '[part~="field-select"]').map((f) => f.getBoundingClientRect().left);
    expect(fields[1]).toBeGreaterThan((fields[0] ?? 0) + 8);
    await counts(el);
    const save = part(el, 'save-button').getBoundingClientRect();
    // Validation state: the name is missing, a row is incomplete.
    await label('Condition 2.3 value').fill('');
    await click('Save');
    await expect.element(page.getByText('Enter a name.')).toBeVisible();
    expect(part(el, 'save-button').getBoundingClientRect()).toEqual(save);
    await page.screenshot({ path: '../../screenshots/segment-builder-light.png', element: el });
  });

  it('axe-core: 0 violations initial, loading, validation, error, chips with suggestions, dark', async () => {
    const previews = holdPreviews(realFetch);
    const el = await mountBuilder();
    await expect.poll(summaryText(el)).toBe('2 customers match');
    expect(await axeViolations()).toEqual([]); // initial

    previews.hold(true);
    await label('Condition 1 value').selectOptions('customer');
    await expect.poll(() => part(el, 'summary').getAttribute('aria-busy')).toBe('true');
    expect(await axeViolations()).toEqual([]); // loading
    previews.hold(false);
    previews.release();

    await buildNested(el);
    await label('Condition 2.2 value').click();
    await userEvent.keyboard('{ArrowDown}');
    expect(await axeViolations()).toEqual([]); // chips, open suggestions, nested group

    await click('Add condition');
    await label('Condition 3 field').selectOptions('created_at');
    await label('Condition 3 value').fill('0');
    await click('Save');
    await expect.element(page.getByText('Enter a name.')).toBeVisible();
    expect(await axeViolations()).toEqual([]); // validation

    el.apiBase = 'http://127.0.0.1:9/api/greentrack';
    await label('Condition 3 value').fill('7');
    await expect.element(page.getByRole('alert')).toBeVisible();
    expect(await axeViolations()).toEqual([]); // error
  });

  it('dark and 390 px: axe-core clean, screenshots written', async () => {
    await commands.setColorScheme('dark');
    const el = await mountBuilder({ theme: 'dark' });
    await buildNested(el);
    await counts(el);
    expect(await axeViolations()).toEqual([]);
    await page.screenshot({ path: '../../screenshots/segment-builder-dark.png', element: el });

    await page.viewport(390, 844);
    await el.updateComplete;
    expect(getComputedStyle(part(el, 'condition')).borderTopStyle).toBe('solid');
    const [first, second] = all(el, '[part~="condition"]').map((c) => c.getBoundingClientRect());
    expect((second?.top ?? 0) - (first?.bottom ?? 0)).toBeGreaterThanOrEqual(8);
    expect(await axeViolations()).toEqual([]);
    await page.screenshot({ path: '../../screenshots/segment-builder-390.png', element: el });
  });
});
