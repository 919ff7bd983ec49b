/**
 * A message's tracking: its signed unsubscribe/preferences URLs, its decorated links and
 * open pixel, and its `List-Unsubscribe` headers (RFC 2369 + RFC 8058 one-click).
 */
import type { HtmlLinks } from '../templates/index.js';
import { type Decoration, decorateHtml, decorateText, type Utm } from './decorate.js';
import type { TrackingTokens } from './tokens.js';

/** Tracking settings of an instance (`createGreenTrack({ tracking })` + `secret`). */
export interface TrackingLinksOptions {
  tokens: TrackingTokens;
  /** Public URL of the API as mounted, without a trailing slash (base URL + base path). */
  apiUrl: string;
  /** Lifetime of every link. */
  ttlSeconds: number;
  /** Route SMS links through the click redirect (longer messages) or give them UTM only. */
  smsClickRedirect: boolean;
}

/** One message as the tracker sees it. */
export interface TrackedMessage {
  organizationId: string;
  messageId: string;
  channel: 'email' | 'sms';
  utm: Utm;
}

/**
 * A rendered message, before and after decoration. `links`: where the links of `html` are,
 * when the renderer knows (spares a parse); never on a decorated message.
 */
type Rendered =
  | { channel: 'email'; subject: string; html: string; text: string; links?: HtmlLinks }
  | { channel: 'sms'; text: string };

/** What the tracker gives one message. */
export interface MessageTracking {
  /** The recipient's links for the template's `urls` variables. */
  urls: { unsubscribe: string; preferences: string };
  /** Headers the provider attaches (email only; empty for SMS). */
  headers: Record<string, string>;
  /** UTM on every web link, click redirects, and (email) the open pixel. */
  decorate<R extends Rendered>(rendered: R): R;
}

/** Builds each message's tracking from one configuration. */
export interface TrackingLinks {
  forMessage(message: TrackedMessage): MessageTracking;
}

/**
 * Decorates a rendered message: SMS text with `sms`; email HTML with `email` (and the open
 * `pixel`), its text part with the same tracked URL per link.
 */
function decorateRendered<R extends Rendered>(
  rendered: R,
  email: Decoration,
  sms: Decoration,
  pixel?: string,
): R {
  if (rendered.channel === 'sms') return { ...rendered, text: decorateText(rendered.text, sms) };
  const seen = new Map<string, string>();
  // The offsets are those of the undecorated HTML: they do not travel on.
  const { links, ...message } = rendered;
  return {
    ...message,
    html: decorateHtml(rendered.html, email, {
      seen,
      ...(pixel === undefined ? {} : { pixel }),
      ...(links === undefined ? {} : { links }),
    }),
    text: decorateText(rendered.text, email, seen),
  } as R;
}

/** Links with UTM only and placeholder unsubscribe URLs: for dry runs without tracking. */
export function untrackedMessage(
  message: TrackedMessage,
  placeholders: MessageTracking['urls'],
): MessageTracking {
  const decoration = { utm: message.utm };
  return {
    urls: placeholders,
    headers: {},
    decorate: (rendered) => decorateRendered(rendered, decoration, decoration),
  };
}

/** Creates the tracker. */
export function createTrackingLinks(options: TrackingLinksOptions): TrackingLinks {
  const { tokens, apiUrl, ttlSeconds } = options;
  return {
    forMessage(message) {
      const token = (kind: 'click' | 'open' | 'unsubscribe', url: string | null = null) =>
        tokens.sign({
          kind,
          organizationId: message.organizationId,
          messageId: message.messageId,
          url,
          ttlSeconds,
        });
      const unsubscribe = `${apiUrl}/t/u/${token('unsubscribe')}`;
      const own = (url: string) => url.startsWith(`${apiUrl}/t/`);
      const click = {
        utm: message.utm,
        keep: own,
        track: (url: string) => `${apiUrl}/t/c/${token('click', url)}`,
      };
      return {
        // One page serves both: it shows the status and its form POSTs the unsubscribe.
        urls: { unsubscribe, preferences: unsubscribe },
        headers: (message.channel === 'email'
          ? {
              'List-Unsubscribe': `<${unsubscribe}>`,
              'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
            }
          : {}) as Record<string, string>,
        decorate: (rendered) =>
          decorateRendered(
            rendered,
            click,
            options.smsClickRedirect ? click : { utm: message.utm, keep: own },
            message.channel === 'email' ? `${apiUrl}/t/o/${token('open')}` : undefined,
          ),
      };
    },
  };
}
