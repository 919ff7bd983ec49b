// Define module: importing it registers <gt-customer-list>. Define modules are the only
// files listed under `sideEffects` in package.json.
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
