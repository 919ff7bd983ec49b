/**
 * Registers `elementClass` under `tagName` unless the name is taken.
 *
 * Registering a name twice throws a `DOMException`, which would break a page
 * that evaluates a define module twice (two bundles, or a micro-frontend that
 * ships its own copy), so a repeat call is a no-op. If the name belongs to a
 * *different* class (another copy of this package) the first definition stays
 * and we warn, since the two copies may disagree.
 */
export function defineElement(tagName: string, elementClass: CustomElementConstructor): void {
  const existing = customElements.get(tagName);
  if (existing === undefined) {
    customElements.define(tagName, elementClass);
  } else if (existing !== elementClass) {
    console.warn(
      `<${tagName}> is already defined by another class (is @greentrack/widgets loaded twice?); keeping the first definition.`,
    );
  }
}
