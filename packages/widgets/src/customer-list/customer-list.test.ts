/**
 * `<gt-customer-list>` against the real server of test/global-setup.ts, whose organization
 * holds exactly Ada Lead, Bob Lead and Cy Customer (no test file creates customers).
 */
import axe from 'axe-core';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { page } from 'vitest/browser';
import { type Customer, GtCustomerList } from './customer-list.js';

const api = inject('greentrackApi');
const realFetch = globalThis.fetch;
let container: HTMLElement | undefined;

afterEach(() => {
  container?.remove();
  container = undefined;
  globalThis.fetch = realFetch;
});

function mount(attributes = ''): GtCustomerList {
  container = document.createElement('div');
  container.innerHTML = `<gt-customer-list api-base="${api.baseUrl}" token="${api.token}" debounce-ms="0" ${attributes}></gt-customer-list>`;
  document.body.append(container);
  const list = container.querySelector('gt-customer-list');
  if (!list) throw new Error('no <gt-customer-list>');
  return list;
}

const names = (el: GtCustomerList) => () =>
  [...(el.shadowRoot?.querySelectorAll('[part~="name"]') ?? [])].map((n) => n.textContent);

describe('<gt-customer-list>', () => {
  it('is registered by its define module', () => {
    expect(customElements.get('gt-customer-list')).toBe(GtCustomerList);
  });

  it('lists the customers by name', async () => {
    const el = mount();
    await expect.poll(names(el)).toEqual(['Ada Lead', 'Bob Lead', 'Cy Customer']);
    expect(el.shadowRoot?.querySelector('[part~="load-more"]')).toBeNull();
  });

  it('pages with the keyset cursor: "Load more" appends the next page', async () => {
    const spy = vi.fn(realFetch);
    globalThis.fetch = spy;
    const el = mount('page-size="2"');
    await expect.poll(names(el)).toEqual(['Ada Lead', 'Bob Lead']);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(names(el)).toEqual(['Ada Lead', 'Bob Lead', 'Cy Customer']);
    expect(el.shadowRoot?.querySelector('[part~="load-more"]')).toBeNull();

    const urls = spy.mock.calls.map(([url]) => new URL(String(url)));
    expect(urls).toHaveLength(2);
    expect(urls[0]?.searchParams.get('cursor')).toBeNull();
    expect(urls[1]?.searchParams.get('cursor')).toBeTruthy();
    expect(urls[1]?.searchParams.get('limit')).toBe('2');
  });

  it('searches on the server and says when nothing matches', async () => {
    const el = mount();
    await expect.poll(names(el)).toHaveLength(3);
    await page.getByLabelText('Search customers').fill('bob');
    await expect.poll(names(el)).toEqual(['Bob Lead']);
    await page.getByLabelText('Search customers').fill('zzz-nobody');
    await expect.poll(names(el)).toEqual([]);
    await expect
      .element(page.getByRole('status'))
      .toHaveTextContent('No customer matches “zzz-nobody”.');
  });

  it('a newer search aborts the older request; its answer is never shown', async () => {
    const signals: AbortSignal[] = [];
    globalThis.fetch = (input, init) => {
      if (init?.signal) signals.push(init.signal);
      return realFetch(input, init);
    };
    const el = mount('debounce-ms="0"');
    await expect.poll(names(el)).toHaveLength(3);
    el.query = 'ada';
    await el.updateComplete;
    el.query = 'cy';
    await expect.poll(names(el)).toEqual(['Cy Customer']);
    expect(signals.at(-2)?.aborted).toBe(true);
  });

  it('dispatches gt-customer-select with the customer', async () => {
    const el = mount();
    await expect.poll(names(el)).toHaveLength(3);
    const selected = new Promise<CustomEvent<Customer>>((resolve) =>
      container?.addEventListener('gt-customer-select', (e) => resolve(e), { once: true }),
    );
    await page.getByRole('button', { name: /Bob Lead/ }).click();
    const event = await selected;
    expect(event.bubbles && event.composed).toBe(true);
    expect(event.detail).toMatchObject({
      name: 'Bob Lead',
      email: 'bob@example.com',
      type: 'lead',
    });
  });

  it('has no axe-core violations, light or dark', async () => {
    for (const theme of ['light', 'dark']) {
      const el = mount(`theme="${theme}"`);
      await expect.poll(names(el)).toHaveLength(3);
      const { violations } = await axe.run(container as HTMLElement);
      expect(
        violations.map((v) => v.id),
        theme,
      ).toEqual([]);
      container?.remove();
    }
  });
});
