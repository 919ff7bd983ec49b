import { html } from 'lit';
import { property } from 'lit/decorators.js';
import type { GtMessages } from '../base/messages.js';
import { GreenTrackElement } from '../internal/greentrack-element.js';
import { type ConsentBadgeMessages, consentBadgeMessages } from './consent-badge.messages.js';
import { consentBadgeStyles } from './consent-badge.styles.js';

/** A channel a customer can give or withdraw marketing consent for. */
export type ConsentChannel = 'email' | 'sms';

/**
 * A customer's recorded consent state for one channel.
 *
 * - `subscribed` — opted in.
 * - `unsubscribed` — opted out.
 * - `bounced` — the address/number hard-bounced; sending is suppressed.
 * - `complained` — the customer marked a message as spam; sending is suppressed.
 */
export type ConsentStatus = 'subscribed' | 'unsubscribed' | 'bounced' | 'complained';

const statuses: readonly ConsentStatus[] = ['subscribed', 'unsubscribed', 'bounced', 'complained'];

/** What the badge actually renders, after untrusted input has been narrowed. */
type DisplayStatus = ConsentStatus | 'none' | 'unknown';

// Properties arrive from attributes, from JSON and from older/newer API
// versions, so the declared types are a promise we cannot rely on at runtime.
function toDisplayStatus(value: unknown): DisplayStatus {
  if (value === undefined || value === null || value === '') return 'none';
  return typeof value === 'string' && (statuses as readonly string[]).includes(value)
    ? (value as ConsentStatus)
    : 'unknown';
}

function channelLabel(value: unknown, labels: ConsentBadgeMessages['channels']): string {
  return value === 'email' || value === 'sms' ? labels[value] : labels.unknown;
}

/**
 * @summary A pill showing a customer's consent for one channel, e.g. "Email · Subscribed".
 *
 * An unset `status` means no preference has been recorded and reads "No preference";
 * a value this version does not recognise reads "Unknown" — the badge never throws.
 * Screen readers hear one phrase such as "Email consent: Subscribed".
 *
 * @example
 * ```html
 * <gt-consent-badge channel="sms" status="bounced"></gt-consent-badge>
 * ```
 *
 * Its strings come from `messages.consentBadge` (on the element or a surrounding
 * `<gt-provider>`).
 *
 * @customElement gt-consent-badge
 *
 * @csspart badge - The pill. Its `data-status` attribute is one of the statuses, `none` or `unknown`.
 *
 * @cssproperty --gt-consent-badge-subscribed-color - Text colour when subscribed. Defaults to `--gt-color-success`.
 * @cssproperty --gt-consent-badge-subscribed-background - Background when subscribed. Defaults to `--gt-color-success-subtle`.
 * @cssproperty --gt-consent-badge-unsubscribed-color - Text colour when unsubscribed. Defaults to `--gt-color-neutral`.
 * @cssproperty --gt-consent-badge-unsubscribed-background - Background when unsubscribed. Defaults to `--gt-color-neutral-subtle`.
 * @cssproperty --gt-consent-badge-bounced-color - Text colour when bounced. Defaults to `--gt-color-warning`.
 * @cssproperty --gt-consent-badge-bounced-background - Background when bounced. Defaults to `--gt-color-warning-subtle`.
 * @cssproperty --gt-consent-badge-complained-color - Text colour when complained. Defaults to `--gt-color-danger`.
 * @cssproperty --gt-consent-badge-complained-background - Background when complained. Defaults to `--gt-color-danger-subtle`.
 * @cssproperty --gt-consent-badge-unset-color - Text and dashed border colour with no or an unknown status. Defaults to `--gt-color-neutral`.
 * @cssproperty --gt-consent-badge-unset-background - Background with no or an unknown status. Defaults to `--gt-color-surface` (its own surface keeps the text readable when the badge is dark on a light page, or the reverse).
 * @cssproperty --gt-consent-badge-radius - Corner radius. Defaults to `--gt-radius-pill`.
 * @cssproperty --gt-consent-badge-font-size - Font size. Defaults to `--gt-font-size-small`.
 */
export class GtConsentBadge extends GreenTrackElement {
  static override styles = [...GreenTrackElement.styles, consentBadgeStyles];

  /**
   * The channel this consent applies to.
   * @default 'email'
   */
  @property({ reflect: true }) channel: ConsentChannel = 'email';

  /**
   * The recorded consent. `undefined` (or no attribute) means no preference recorded.
   * @default undefined
   */
  @property({ reflect: true }) status: ConsentStatus | undefined = undefined;

  /** Its strings: `messages.consentBadge`. */
  protected get text(): Pick<GtMessages, 'consentBadge'> {
    return this.resolveText({ consentBadge: consentBadgeMessages });
  }

  protected override render() {
    const t = this.text.consentBadge;
    const status = toDisplayStatus(this.status);
    const channel = channelLabel(this.channel, t.channels);
    const statusText = t.statuses[status];
    const spokenStatus =
      status === 'none'
        ? t.noneAccessible
        : status === 'unknown'
          ? t.unknownAccessible
          : statusText;

    // role="img" turns the pill into one named graphic, so assistive tech reads
    // the label once instead of "Email, middle dot, Subscribed". It is not a
    // live region: a customer list renders hundreds of these.
    return html`<span
      part="badge"
      class="badge"
      data-status=${status}
      role="img"
      aria-label=${t.accessibleLabel(channel, spokenStatus)}
      ><span class="channel">${channel}</span><span class="separator"> · </span
      ><span class="status">${statusText}</span></span
    >`;
  }
}
