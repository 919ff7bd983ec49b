// Define module: importing it registers <gt-segment-builder>. Define modules are
// the only files listed under `sideEffects` in package.json.
import { defineElement } from '../internal/define-element.js';
import { GtSegmentBuilder, type SegmentSavedEvent } from './segment-builder.component.js';

export * from './segment-builder.component.js';

defineElement('gt-segment-builder', GtSegmentBuilder);

declare global {
  interface HTMLElementTagNameMap {
    'gt-segment-builder': GtSegmentBuilder;
  }
  interface HTMLElementEventMap {
    'gt-segment-saved': SegmentSavedEvent;
  }
}
