import { ContextRoot, consume } from '@lit/context';
import { type CSSResult, css, LitElement, unsafeCSS } from 'lit';
import { property, state } from 'lit/decorators.js';
import { type GtMessages, type GtMessagesOverride, resolveMessages } from '../base/messages.js';
import { connectionContext, type GtConnection } from './context.js';

/** Light or dark tokens; `auto` (the default) follows `prefers-color-scheme`. */
export type GtTheme = 'light' | 'dark' | 'auto';

/**
 * The built-in colour of each themed token, light and dark. A component reads
 * `var(--gt-<name>, var(--_gt-<name>))`: the page's `--gt-*` value wins, else the
 * built-in one for the active scheme, declared on `:host` under a private `--_gt-*` name.
 *
 * Every foreground/`*-subtle` pair and every text colour on `color-surface` keeps WCAG AA
 * contrast (4.5:1) in both schemes (the axe-core tests check it).
 */
const themed = {
  'color-text': ['#1f2933', '#e6e9ed'],
  'color-surface': ['#ffffff', '#1b1f24'],
  'color-border': ['#6b7280', '#8b95a3'],
  'color-control-background': ['#ffffff', '#24292f'],
  'color-focus': ['#2563eb', '#7aa7ff'],
  'color-primary': ['#1d4ed8', '#8ab4ff'],
  'color-on-primary': ['#ffffff', '#0b1220'],
  'color-success': ['#146c2e', '#7ee2a1'],
  'color-success-subtle': ['#e3f4e8', '#12361f'],
  'color-neutral': ['#4a5565', '#b8c0cc'],
  'color-neutral-subtle': ['#eef0f3', '#2a3039'],
  'color-warning': ['#8a4b00', '#ffc46b'],
  'color-warning-subtle': ['#fff1dc', '#3d2a0a'],
  'color-danger': ['#b3261e', '#ff9f97'],
  'color-danger-subtle': ['#fde7e5', '#4a1713'],
} as const satisfies Record<string, readonly [light: string, dark: string]>;

function schemeDeclarations(index: 0 | 1): CSSResult {
  return unsafeCSS(
    Object.entries(themed)
      .map(([name, values]) => `--_gt-${name}: ${values[index]};`)
      .join('\n'),
  );
}

/**
 * Global GreenTrack design tokens, as `var(--gt-*, fallback)` expressions.
 *
 * Components never *declare* a `--gt-*` property inside their shadow root: a
 * declaration on `:host` would beat the value a page sets on `:root` (custom
 * properties inherit, and the host's own declaration wins over inheritance).
 * Instead every component *reads* the token with a built-in fallback, so a widget
 * looks right with no theme stylesheet, in light and dark, and a theme is just:
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
  ...tokenTable({
    'font-family':
      "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
    'font-size-small': '0.75rem',
    'font-weight-semibold': '600',
    'line-height-dense': '1.25',
    'spacing-x-small': '0.25rem',
    'spacing-small': '0.5rem',
    'spacing-medium': '0.75rem',
    radius: '0.375rem',
    'radius-pill': '9999px',
    'border-width': '1px',
    'control-height': '2.25rem',
    'focus-ring-width': '2px',
  }),
  // The colours, each with its light and dark value from `themed`. Each `*-subtle` is a
  // background that keeps the matching foreground above WCAG AA contrast (4.5:1) at small
  // text sizes.
  ...tokenTable(themed),
};

/** `font-size-small` → `fontSizeSmall`. */
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/**
 * `var(--gt-<name>, fallback)` for each token of `table`, by its camelCase name: the fallback
 * is the table's value, or for a themed pair the private `--_gt-<name>` of the active scheme.
 */
function tokenTable<N extends string>(
  table: Record<N, string | readonly [light: string, dark: string]>,
): Record<CamelCase<N>, CSSResult> {
  return Object.fromEntries(
    Object.entries<string | readonly string[]>(table).map(([name, fallback]) => [
      name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
      unsafeCSS(
        `var(--gt-${name}, ${typeof fallback === 'string' ? fallback : `var(--_gt-${name})`})`,
      ),
    ]),
  ) as Record<CamelCase<N>, CSSResult>;
}

/** Host rules every GreenTrack element starts from: tokens per scheme, box sizing. */
const baseStyles = css`
  :host {
    box-sizing: border-box;
    font-family: ${tokens.fontFamily};
    color-scheme: light;
    ${schemeDeclarations(0)}
  }

  :host([theme='dark']) {
    color-scheme: dark;
    ${schemeDeclarations(1)}
  }

  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      color-scheme: dark;
      ${schemeDeclarations(1)}
    }
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
 * Form controls drawn from the tokens, for components that render any: the page's font
 * (browsers give controls their own 13.33px Arial otherwise), a 36px block size, the
 * radius, and a focus ring in `--gt-color-focus`.
 */
export const controlStyles = css`
  input,
  select,
  button {
    font: inherit;
    color: inherit;
    line-height: ${tokens.lineHeightDense};
    min-block-size: ${tokens.controlHeight};
    padding-block: 0;
    padding-inline: ${tokens.spacingMedium};
    border: ${tokens.borderWidth} solid ${tokens.colorBorder};
    border-radius: ${tokens.radius};
    background-color: ${tokens.colorControlBackground};
  }

  input::placeholder {
    color: ${tokens.colorNeutral};
    opacity: 1;
  }

  button {
    cursor: pointer;
    font-weight: ${tokens.fontWeightSemibold};
  }

  button[data-variant='primary'] {
    color: ${tokens.colorOnPrimary};
    background-color: ${tokens.colorPrimary};
    border-color: ${tokens.colorPrimary};
  }

  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }

  input:focus-visible,
  select:focus-visible,
  button:focus-visible {
    outline: ${tokens.focusRingWidth} solid ${tokens.colorFocus};
    outline-offset: 1px;
  }
`;

/**
 * One `ContextRoot` per document: a widget whose define module ran before `<gt-provider>`'s
 * asks for the connection before any provider exists. The root keeps such requests and
 * replays them when a provider appears, so the order of the script tags does not matter.
 */
const rootKey = Symbol.for('greentrack.context-root');
function ensureContextRoot(): void {
  const root = document.documentElement as HTMLElement & { [rootKey]?: ContextRoot };
  if (root[rootKey]) return;
  root[rootKey] = new ContextRoot();
  root[rootKey].attach(root);
}

/**
 * Base class of every `<gt-*>` element: shared host styles, the `theme` attribute, and the
 * strings (`messages`, its own or the surrounding `<gt-provider>`'s). Internal: not exported
 * from the package. Register subclasses with `defineElement`.
 */
export class GreenTrackElement extends LitElement {
  static override styles: CSSResult[] = [baseStyles];

  /**
   * `light` or `dark` built-in tokens; unset (or `auto`) follows the user's
   * `prefers-color-scheme`. Tokens the page sets (`--gt-*`) win in either scheme.
   * @default undefined
   */
  @property({ reflect: true }) theme: GtTheme | undefined = undefined;

  /**
   * String overrides for this element (see `GtMessages`); they win over the provider's.
   * @default undefined
   */
  @property({ attribute: false }) messages: GtMessagesOverride | undefined = undefined;

  /** What the surrounding `<gt-provider>` shares, if any. */
  @consume({ context: connectionContext, subscribe: true })
  @state()
  protected provided: GtConnection | undefined = undefined;

  /**
   * The strings in use for the sections a widget shows: its English `defaults`, then the
   * provider's overrides, then the element's. Each widget passes only its own sections, so
   * its bundle carries only its own strings.
   */
  protected resolveText<K extends keyof GtMessages>(
    defaults: Pick<GtMessages, K>,
  ): Pick<GtMessages, K> {
    return resolveMessages(defaults, this.provided?.messages, this.messages);
  }

  override connectedCallback(): void {
    ensureContextRoot();
    super.connectedCallback();
  }
}
