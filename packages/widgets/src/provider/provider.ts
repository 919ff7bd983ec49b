// Define module: importing it registers <gt-provider>. Define modules are the only files
// listed under `sideEffects` in package.json.
import { defineElement } from '../internal/define-element.js';
import { GtProvider } from './provider.component.js';

export * from './provider.component.js';

defineElement('gt-provider', GtProvider);

declare global {
  interface HTMLElementTagNameMap {
    'gt-provider': GtProvider;
  }
}
