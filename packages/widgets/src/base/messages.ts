/**
 * Every string a GreenTrack widget shows, in one localizable shape: one section per widget
 * (`consentBadge`, `customerList`, `segmentBuilder`, `campaignDashboard`) and `errors`, shared by the widgets that
 * call the API. English is the default; pass a partial object (`messages` on `<gt-provider>`
 * or on a widget) to translate or reword. Sections merge one level deep:
 * `{ errors: { network: '…' } }` keeps every other string.
 *
 * Each widget's English strings live beside it (`segment-builder.messages.ts`…) and only
 * that widget's bundle carries them; `defaultMessages` (the root entry) has them all.
 *
 * @example
 * ```ts
 * provider.messages = {
 *   errors: { network: 'Pas de connexion au serveur.' },
 *   segmentBuilder: { save: 'Enregistrer', matchCount: (n) => `${n} client(s)` },
 * };
 * ```
 */
import type { CampaignDashboardMessages } from '../campaign-dashboard/campaign-dashboard.messages.js';
import type { ConsentBadgeMessages } from '../consent-badge/consent-badge.messages.js';
import type { CustomerListMessages } from '../customer-list/customer-list.messages.js';
import type { SegmentBuilderMessages } from '../segment-builder/segment-builder.messages.js';

export type {
  CampaignDashboardMessages,
  ConsentBadgeMessages,
  CustomerListMessages,
  SegmentBuilderMessages,
};

/** Plain-language text for a failed call, by `GtErrorDetail.code`. */
export interface ErrorMessages {
  /** The server could not be reached (offline, CORS, wrong `api-base`). */
  network: string;
  /** The token is missing, expired or invalid, and no fresh one arrived. */
  unauthenticated: string;
  /** The token's role or scopes do not allow this. */
  forbidden: string;
  /** The thing asked for does not exist (any more). */
  notFound: string;
  /** The input was refused; the widget shows the details next to the field. */
  validation: string;
  /** The server failed (5xx). */
  server: string;
  /** Anything else. */
  unknown: string;
  /** The widget has no `api-base` (attribute, property or `<gt-provider>`). */
  notConfigured: string;
}

export interface GtMessages {
  /** Plain-language text for a failed call, by `GtErrorDetail.code`. */
  errors: ErrorMessages;
  consentBadge: ConsentBadgeMessages;
  customerList: CustomerListMessages;
  segmentBuilder: SegmentBuilderMessages;
  campaignDashboard: CampaignDashboardMessages;
}

/** The English error strings. */
export const errorMessages: ErrorMessages = {
  network: 'Could not reach the server. Check your connection and try again.',
  unauthenticated: 'Your session has expired. Reload the page to sign in again.',
  forbidden: 'You do not have permission to do this.',
  notFound: 'This item no longer exists.',
  validation: 'Some values need fixing.',
  server: 'The server had a problem. Try again in a moment.',
  unknown: 'Something went wrong. Try again.',
  notConfigured: 'This widget is not connected: set api-base on it or on <gt-provider>.',
};

/** A partial `GtMessages`: any section, any key of it. */
export type GtMessagesOverride = { [S in keyof GtMessages]?: Partial<GtMessages[S]> };

/**
 * A widget's sections: its English `defaults`, with each override applied in turn (later
 * ones win). Sections the widget does not show are ignored.
 */
export function resolveMessages<K extends keyof GtMessages>(
  defaults: Pick<GtMessages, K>,
  ...overrides: Array<GtMessagesOverride | undefined>
): Pick<GtMessages, K> {
  const result: Record<string, object> = { ...defaults };
  for (const override of overrides) {
    for (const [section, strings] of Object.entries(override ?? {})) {
      // Each section is a flat record; nested records (e.g. `fields`) are replaced whole.
      if (result[section]) result[section] = { ...result[section], ...strings };
    }
  }
  return result as Pick<GtMessages, K>;
}
