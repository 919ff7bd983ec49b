import { type CSSResult, css, LitElement, unsafeCSS } from 'lit';

/**
 * Global GreenTrack design tokens, as `var(--gt-*, fallback)` expressions.
 *
 * Components never *declare* a `--gt-*` property inside their shadow root: a
 * declaration on `:host` would beat the value a page sets on `:root` (custom
 * properties inherit, and the host's own declaration wins over inheritance).
 * Instead every component *reads* the token with the built-in fallback below,
 * so a widget looks right with no theme stylesheet, and a theme is just:
 *
 * @example
 * ```css
 * :root {
 *   --gt-color-success: #0b7a3e;
 *   --gt-font-family: 'Inter', sans-serif;
 * }
 * ```
 */
export const tokens = {
  fontFamily: token(
    'font-family',
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  ),
  fontSizeSmall: token('font-size-small', '0.75rem'),
  fontWeightSemibold: token('font-weight-semibold', '600'),
  lineHeightDense: token('line-height-dense', '1.25'),
  spacingXSmall: token('spacing-x-small', '0.25rem'),
  spacingSmall: token('spacing-small', '0.5rem'),
  radius: token('radius', '0.375rem'),
  radiusPill: token('radius-pill', '9999px'),
  borderWidth: token('border-width', '1px'),

  // Semantic colours. Each `*-subtle` is a background that keeps the matching
  // foreground above WCAG AA contrast (4.5:1) at small text sizes.
  colorText: token('color-text', '#1f2933'),
  colorSuccess: token('color-success', '#146c2e'),
  colorSuccessSubtle: token('color-success-subtle', '#e3f4e8'),
  colorNeutral: token('color-neutral', '#4a5565'),
  colorNeutralSubtle: token('color-neutral-subtle', '#eef0f3'),
  colorWarning: token('color-warning', '#8a4b00'),
  colorWarningSubtle: token('color-warning-subtle', '#fff1dc'),
  colorDanger: token('color-danger', '#b3261e'),
  colorDangerSubtle: token('color-danger-subtle', '#fde7e5'),
} as const satisfies Record<string, CSSResult>;

function token(name: string, fallback: string): CSSResult {
  return unsafeCSS(`var(--gt-${name}, ${fallback})`);
}

/** Host rules every GreenTrack element starts from. */
const baseStyles = css`
  :host {
    box-sizing: border-box;
    font-family: ${tokens.fontFamily};
  }

  :host *,
  :host *::before,
  :host *::after {
    box-sizing: inherit;
  }

  :host([hidden]) {
    display: none !important;
  }
`;

/**
 * Base class of every `<gt-*>` element: shared host styles. Internal: not
 * exported from the package. Register subclasses with `defineElement`.
 */
export class GreenTrackElement extends LitElement {
  static override styles: CSSResult[] = [baseStyles];
}
