// Define module: importing it registers <gt-consent-badge>. Define modules are
// the only files listed under `sideEffects` in package.json.
import { defineElement } from '../internal/define-element.js';
import { GtConsentBadge } from './consent-badge.component.js';

export * from './consent-badge.component.js';

defineElement('gt-consent-badge', GtConsentBadge);

declare global {
  interface HTMLElementTagNameMap {
    'gt-consent-badge': GtConsentBadge;
  }
}
