// Importing the package root (and nothing else: each browser test file runs in its own page)
// registers every element the package has a subpath for.
import { expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import * as widgets from './index.js';

it('importing the root entry registers every gt-* tag', () => {
  const tags = Object.keys(pkg.exports)
    .filter((subpath) => subpath !== '.' && subpath !== './package.json')
    .map((subpath) => `gt-${subpath.slice(2)}`);
  expect(tags).toEqual([
    'gt-provider',
    'gt-consent-badge',
    'gt-segment-builder',
    'gt-customer-list',
    'gt-campaign-dashboard',
  ]);
  for (const tag of tags) expect(customElements.get(tag), tag).toBeDefined();
  expect(customElements.get('gt-provider')).toBe(widgets.GtProvider);
  expect(customElements.get('gt-consent-badge')).toBe(widgets.GtConsentBadge);
  expect(customElements.get('gt-segment-builder')).toBe(widgets.GtSegmentBuilder);
  expect(customElements.get('gt-customer-list')).toBe(widgets.GtCustomerList);
  expect(customElements.get('gt-campaign-dashboard')).toBe(widgets.GtCampaignDashboard);
});
