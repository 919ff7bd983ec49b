// Define module: importing it registers <gt-customer-list>. Define modules are the only
// files listed under `sideEffects` in package.json.
// The list shows consent with <gt-consent-badge>, so it registers that element too.
import '../consent-badge/consent-badge.js';
import { defineElement } from '../internal/define-element.js';
import { type CustomerSelectEvent, GtCustomerList } from './customer-list.component.js';

export * from './customer-list.component.js';

defineElement('gt-customer-list', GtCustomerList);

declare global {
  interface HTMLElementTagNameMap {
    'gt-customer-list': GtCustomerList;
  }
  interface HTMLElementEventMap {
    'gt-customer-select': CustomerSelectEvent;
  }
}
