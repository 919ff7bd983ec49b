/**
 * One `<gt-segment-builder>` per test, connected to the real server of global-setup.ts: the
 * segment builder test files mount it and find its parts the same way. Importing this module
 * registers the cleanup (`afterEach`) in the importing test file, as testing-library does.
 */
import { html, nothing, render } from 'lit';
import { afterEach, inject } from 'vitest';
import { page } from 'vitest/browser';
import { GtSegmentBuilder } from '../src/segment-builder/segment-builder.js';

export const api = inject('greentrackApi');
/** The page's own `fetch`, for tests that wrap it (restored by `unmountBuilder`). */
export const realFetch = globalThis.fetch;

let container: HTMLElement | undefined;

/** The element around the mounted builder (events bubble to it). */
export function mounted(): HTMLElement {
  if (!container) throw new Error('nothing mounted');
  return container;
}

/** Renders a connected builder (previews without debounce unless `debounceMs` says). */
export async function mountBuilder({
  debounceMs = 0,
  segmentId,
  theme,
}: {
  debounceMs?: number;
  segmentId?: string;
  theme?: string;
} = {}): Promise<GtSegmentBuilder> {
  container = document.createElement('div');
  document.body.append(container);
  render(
    html`<gt-segment-builder
      api-base=${api.baseUrl}
      token=${api.token}
      segment-id=${segmentId ?? nothing}
      theme=${theme ?? nothing}
      .debounceMs=${debounceMs}
    ></gt-segment-builder>`,
    container,
  );
  const builder = container.querySelector('gt-segment-builder');
  if (!(builder instanceof GtSegmentBuilder)) throw new Error('no <gt-segment-builder>');
  await builder.updateComplete;
  return builder;
}

// After each test: the builder goes, `fetch` and the default viewport come back.
afterEach(async () => {
  await page.viewport(414, 896);
  container?.remove();
  container = undefined;
  globalThis.fetch = realFetch;
});

/** Every element of the builder's shadow root that matches `selector`. */
export const all = (el: GtSegmentBuilder, selector: string): HTMLElement[] => [
  ...(el.shadowRoot?.querySelectorAll<HTMLElement>(selector) ?? []),
];

/** The first element with `part` `name`; throws when there is none. */
export function part(el: GtSegmentBuilder, name: string): HTMLElement {
  const found = all(el, `[part~="${name}"]`)[0];
  if (!found) throw new Error(`no ${name} part`);
  return found;
}
