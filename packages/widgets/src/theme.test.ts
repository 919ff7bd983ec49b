/**
 * Form controls, light and dark tokens, and axe-core, on the rendered widgets (the segment
 * builder with a real preview from the server of test/global-setup.ts, and consent badges).
 */
import axe from 'axe-core';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { commands } from 'vitest/browser';
import type { GtSegmentBuilder } from './index.js';
import './index.js';

const api = inject('greentrackApi');
let container: HTMLElement | undefined;

afterEach(async () => {
  container?.remove();
  container = undefined;
  await commands.setColorScheme('light');
});

async function mount(attributes = '', style = ''): Promise<GtSegmentBuilder> {
  container = document.createElement('div');
  container.innerHTML = `
    <gt-segment-builder api-base="${api.baseUrl}" token="${api.token}" debounce-ms="0"
      style="${style}" ${attributes}></gt-segment-builder>
    <gt-consent-badge channel="email" status="subscribed" ${attributes}></gt-consent-badge>
    <gt-consent-badge channel="sms" status="bounced" ${attributes}></gt-consent-badge>
    <gt-consent-badge channel="sms" status="complained" ${attributes}></gt-consent-badge>
    <gt-consent-badge channel="email" status="unsubscribed" ${attributes}></gt-consent-badge>
    <gt-consent-badge channel="sms" ${attributes}></gt-consent-badge>`;
  document.body.append(container);
  const builder = container.querySelector('gt-segment-builder');
  if (!builder) throw new Error('no <gt-segment-builder>');
  // A rendered preview, so the sample list and count are checked too.
  await expect
    .poll(() => builder.shadowRoot?.querySelector('[part~="sample"]')?.textContent ?? '')
    .toContain('Ada Lead');
  return builder;
}

function controls(el: GtSegmentBuilder): HTMLElement[] {
  return [...(el.shadowRoot?.querySelectorAll<HTMLElement>('input, select, button') ?? [])];
}

async function axeViolations(): Promise<string[]> {
  if (!container) throw new Error('nothing mounted');
  const { violations } = await axe.run(container, { resultTypes: ['violations'] });
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('form controls', () => {
  it("inherit the host's --gt-font-family, are at least 34px tall", async () => {
    const el = await mount('', "--gt-font-family: 'Courier New', monospace; font-size: 15px");
    const all = controls(el);
    expect(all.length).toBeGreaterThan(4);
    for (const control of all) {
      const style = getComputedStyle(control);
      expect(style.fontFamily, control.outerHTML).toBe('"Courier New", monospace');
      expect(style.fontSize, control.outerHTML).toBe('15px');
      expect(control.getBoundingClientRect().height, control.outerHTML).toBeGreaterThanOrEqual(34);
    }
  });

  it('use the built-in system font and 36px when the page sets nothing', async () => {
    const el = await mount();
    const input = el.shadowRoot?.querySelector('input') as HTMLInputElement;
    expect(getComputedStyle(input).fontFamily).toMatch(/^system-ui/);
    expect(input.getBoundingClientRect().height).toBe(36);
  });

  it('draw the focus ring in --gt-color-focus', async () => {
    const el = await mount('', '--gt-color-focus: rgb(1, 2, 3)');
    const input = el.shadowRoot?.querySelector<HTMLInputElement>('[part~="name-input"]');
    input?.focus();
    const style = getComputedStyle(input as HTMLInputElement);
    expect(style.outlineStyle).toBe('solid');
    expect(style.outlineColor).toBe('rgb(1, 2, 3)');
  });
});

describe('light and dark', () => {
  const light = { color: 'rgb(31, 41, 51)', background: 'rgb(255, 255, 255)' };
  const dark = { color: 'rgb(230, 233, 237)', background: 'rgb(27, 31, 36)' };
  const colours = (el: HTMLElement) => {
    const style = getComputedStyle(el);
    return { color: style.color, background: style.backgroundColor };
  };

  it('theme="dark" switches the tokens; theme="light" keeps light', async () => {
    const el = await mount('theme="dark"');
    expect(colours(el)).toEqual(dark);
    el.theme = 'light';
    await el.updateComplete;
    expect(colours(el)).toEqual(light);
  });

  it('prefers-color-scheme: dark switches them unless theme="light"', async () => {
    const el = await mount();
    expect(colours(el)).toEqual(light);
    await commands.setColorScheme('dark');
    expect(colours(el)).toEqual(dark);
    el.theme = 'light';
    await el.updateComplete;
    expect(colours(el)).toEqual(light);
  });

  it('a token the page sets wins over the dark default', async () => {
    const el = await mount('theme="dark"', '--gt-color-surface: rgb(9, 9, 9)');
    expect(colours(el).background).toBe('rgb(9, 9, 9)');
  });

  it('axe-core finds no violations in light', async () => {
    await mount();
    expect(await axeViolations()).toEqual([]);
  });

  it('axe-core finds no violations with theme="dark"', async () => {
    await mount('theme="dark"');
    expect(await axeViolations()).toEqual([]);
  });

  it('axe-core finds no violations with prefers-color-scheme: dark', async () => {
    await commands.setColorScheme('dark');
    await mount();
    expect(await axeViolations()).toEqual([]);
  });
});
