import { provide } from '@lit/context';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { GtMessagesOverride } from '../base/messages.js';
import { connectionContext, type GtConnection } from '../internal/context.js';

/**
 * @summary Connects every GreenTrack widget inside it to the API, so plain HTML needs no script.
 *
 * Widgets read `api-base`, `token` and `messages` from the nearest provider; their own
 * attributes win. When a widget's token is refused, it dispatches `gt-token-expired`, which
 * bubbles to the provider: set a fresh `token` here and every waiting widget retries once.
 * The provider renders its children as they are (`display: contents`).
 *
 * @example
 * ```html
 * <gt-provider api-base="/api/greentrack" token="…">
 *   <gt-segment-builder></gt-segment-builder>
 * </gt-provider>
 * <script type="module">
 *   import '@greentrack/widgets';
 *   const provider = document.querySelector('gt-provider');
 *   provider.addEventListener('gt-token-expired', async () => {
 *     provider.token = await fetchWidgetToken();
 *   });
 * </script>
 * ```
 *
 * @customElement gt-provider
 * @slot - The widgets (and anything else) to connect.
 */
export class GtProvider extends LitElement {
  static override styles = css`
    :host {
      display: contents;
    }
  `;

  /**
   * Where the GreenTrack API is mounted, e.g. `https://shop.example/api/greentrack`.
   * @default undefined
   */
  @property({ attribute: 'api-base' }) apiBase: string | undefined = undefined;

  /**
   * The widget token every widget inside sends (`gt.tokens.issue(...)` on the host's server).
   * @default undefined
   */
  @property() token: string | undefined = undefined;

  /**
   * String overrides for every widget inside (see `GtMessages`).
   * @default undefined
   */
  @property({ attribute: false }) messages: GtMessagesOverride | undefined = undefined;

  @provide({ context: connectionContext })
  @state()
  protected connection: GtConnection = {
    apiBase: undefined,
    token: undefined,
    messages: undefined,
  };

  // A new object per change: consumers are notified when the provided value is not `===`.
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('apiBase') || changed.has('token') || changed.has('messages')) {
      this.connection = { apiBase: this.apiBase, token: this.token, messages: this.messages };
    }
  }

  protected override render() {
    return html`<slot></slot>`;
  }
}
