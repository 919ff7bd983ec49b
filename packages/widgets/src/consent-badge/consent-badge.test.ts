import { html, nothing, render } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import pkg from '../../package.json' with { type: 'json' };
import { defineElement } from '../internal/define-element.js';
import { type ConsentStatus, GtConsentBadge } from './consent-badge.js';

let container: HTMLElement | undefined;

afterEach(() => {
  container?.remove();
  container = undefined;
});

async function mount(template: unknown): Promise<GtConsentBadge> {
  container = document.createElement('div');
  document.body.append(container);
  render(template, container);
  const badge = container.querySelector('gt-consent-badge');
  if (!badge) throw new Error('no <gt-consent-badge> rendered');
  await badge.updateComplete;
  return badge;
}

function part(el: GtConsentBadge): HTMLElement {
  const found = el.shadowRoot?.querySelector<HTMLElement>('[part~="badge"]');
  if (!found) throw new Error('no badge part');
  return found;
}

describe('<gt-consent-badge>', () => {
  it('is registered by its define module', () => {
    expect(customElements.get('gt-consent-badge')).toBe(GtConsentBadge);
    expect(document.createElement('gt-consent-badge')).toBeInstanceOf(GtConsentBadge);
  });

  it('tolerates a second define call', () => {
    expect(() => defineElement('gt-consent-badge', GtConsentBadge)).not.toThrow();
    expect(customElements.get('gt-consent-badge')).toBe(GtConsentBadge);
  });

  it.each([
    ['email', 'subscribed', 'Email · Subscribed'],
    ['email', 'unsubscribed', 'Email · Unsubscribed'],
    ['sms', 'bounced', 'SMS · Bounced'],
    ['sms', 'complained', 'SMS · Complained'],
    ['email', undefined, 'Email · No preference'],
    ['sms', 'resubscribed-v2', 'SMS · Unknown'],
  ])('renders %s / %s as "%s"', async (channel, status, label) => {
    const el = await mount(
      html`<gt-consent-badge .channel=${channel} .status=${status}></gt-consent-badge>`,
    );
    expect(part(el).textContent).toBe(label);
    await expect.element(page.getByText(label)).toBeVisible();
  });

  it('reads status from attributes and falls back on removal', async () => {
    const el = await mount(
      html`<gt-consent-badge channel="sms" status="bounced"></gt-consent-badge>`,
    );
    expect(part(el).textContent).toBe('SMS · Bounced');
    expect(part(el).dataset.status).toBe('bounced');

    el.removeAttribute('status');
    await el.updateComplete;
    expect(part(el).textContent).toBe('SMS · No preference');
    expect(part(el).dataset.status).toBe('none');
  });

  it('updates when status changes', async () => {
    const el = await mount(html`<gt-consent-badge status="subscribed"></gt-consent-badge>`);
    const before = getComputedStyle(part(el)).color;

    el.status = 'complained';
    await el.updateComplete;

    expect(part(el).textContent).toBe('Email · Complained');
    expect(el.getAttribute('status')).toBe('complained');
    expect(getComputedStyle(part(el)).color).not.toBe(before);
    await expect
      .element(page.getByRole('img', { name: 'Email consent: Complained' }))
      .toBeVisible();
  });

  it('never throws on a status outside the type', async () => {
    const el = await mount(html`<gt-consent-badge></gt-consent-badge>`);
    el.status = 42 as unknown as ConsentStatus;
    await el.updateComplete;
    expect(part(el).textContent).toBe('Email · Unknown');
    expect(part(el).dataset.status).toBe('unknown');
  });

  it('has one accessible name per badge', async () => {
    await mount(html`
      <gt-consent-badge channel="email" status="subscribed"></gt-consent-badge>
      <gt-consent-badge channel="sms"></gt-consent-badge>
    `);
    await expect
      .element(page.getByRole('img', { name: 'Email consent: Subscribed' }))
      .toBeVisible();
    await expect
      .element(page.getByRole('img', { name: 'SMS consent: No preference recorded' }))
      .toBeVisible();
  });

  it('exposes the badge part to outside styles', async () => {
    const el = await mount(html`
      <style>
        gt-consent-badge::part(badge) {
          outline: 3px solid rgb(1, 2, 3);
        }
      </style>
      <gt-consent-badge status="subscribed"></gt-consent-badge>
    `);
    const style = getComputedStyle(part(el));
    expect(style.outlineColor).toBe('rgb(1, 2, 3)');
    expect(style.outlineWidth).toBe('3px');
  });

  it('defaults its colours to the built-in token values', async () => {
    const el = await mount(html`<gt-consent-badge status="subscribed"></gt-consent-badge>`);
    const style = getComputedStyle(part(el));
    expect(style.color).toBe('rgb(20, 108, 46)'); // #146c2e
    expect(style.backgroundColor).toBe('rgb(227, 244, 232)'); // #e3f4e8
  });

  it('follows a global --gt-* token set on an ancestor', async () => {
    const el = await mount(html`
      <div style="--gt-color-success: rgb(4, 5, 6)">
        <gt-consent-badge status="subscribed"></gt-consent-badge>
      </div>
    `);
    expect(getComputedStyle(part(el)).color).toBe('rgb(4, 5, 6)');
  });

  it('lets the component property override the global token', async () => {
    const el = await mount(html`
      <div style="--gt-color-success: rgb(4, 5, 6)">
        <gt-consent-badge
          status="subscribed"
          style="--gt-consent-badge-subscribed-color: rgb(7, 8, 9); --gt-consent-badge-subscribed-background: rgb(10, 11, 12)"
        ></gt-consent-badge>
      </div>
    `);
    const style = getComputedStyle(part(el));
    expect(style.color).toBe('rgb(7, 8, 9)');
    expect(style.backgroundColor).toBe('rgb(10, 11, 12)');

    // Only the matching status uses it.
    el.status = 'bounced';
    await el.updateComplete;
    expect(getComputedStyle(part(el)).color).toBe('rgb(138, 75, 0)'); // #8a4b00
  });
});

describe('<gt-consent-badge> strings', () => {
  it("come from the messages object: its own, else the provider's", async () => {
    await import('../provider/provider.js');
    const el = await mount(html`
      <gt-provider
        .messages=${{ consentBadge: { channels: { email: 'E-mail', sms: 'SMS', unknown: '?' } } }}
      >
        <gt-consent-badge status="subscribed"></gt-consent-badge>
      </gt-provider>
    `);
    await el.updateComplete;
    expect(part(el).textContent).toBe('E-mail · Subscribed');
    el.messages = { consentBadge: { accessibleLabel: (c, s) => `${c}: ${s}` } };
    await el.updateComplete;
    await expect.element(page.getByRole('img', { name: 'E-mail: Subscribed' })).toBeVisible();
  });
});

describe('package.json sideEffects', () => {
  // A define module missing from `sideEffects` is silently tree-shaken away by
  // bundlers, leaving an unregistered tag in the customer's app.
  // The root entry defines every element, so it is one of them.
  it('lists exactly the define modules behind the root and the component subpaths', () => {
    const defineModules = Object.entries(pkg.exports)
      .filter(([subpath]) => subpath !== './package.json')
      .map(([, target]) => (typeof target === 'string' ? target : target.import));
    expect(defineModules.length).toBeGreaterThan(0);
    expect([...pkg.sideEffects].sort()).toEqual(defineModules.sort());
  });

  it('writes screenshots: light, dark, and a 390 px viewport', async () => {
    const statuses = ['subscribed', 'unsubscribed', 'bounced', 'complained', undefined] as const;
    const shots = [
      { file: 'consent-badge-light.png', theme: 'light', width: 1024 },
      { file: 'consent-badge-dark.png', theme: 'dark', width: 1024 },
      { file: 'consent-badge-390.png', theme: 'light', width: 390 },
    ] as const;
    for (const { file, theme, width } of shots) {
      await page.viewport(width, 600);
      await mount(
        html`<div style="display:flex;flex-wrap:wrap;gap:8px;padding:12px;background:${theme === 'dark' ? '#111' : '#fff'}">
          ${statuses.map(
            (status) =>
              html`<gt-consent-badge theme=${theme} channel="email" status=${status ?? nothing}></gt-consent-badge>`,
          )}
          <gt-consent-badge theme=${theme} channel="sms" status="subscribed"></gt-consent-badge>
        </div>`,
      );
      const row = container?.firstElementChild;
      if (!(row instanceof HTMLElement)) throw new Error('no row');
      const path = await page.screenshot({ element: row, path: `../../screenshots/${file}` });
      expect(path).toContain(file);
      container?.remove();
    }
    await page.viewport(1024, 768);
  });
});
