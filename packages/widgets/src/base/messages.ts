/**
 * Every string a GreenTrack widget shows, in one object. English is the default; pass a
 * partial object (`messages` on `<gt-provider>` or on a widget) to translate or reword.
 * Sections merge one level deep: `{ errors: { network: '…' } }` keeps every other string.
 *
 * @example
 * ```ts
 * provider.messages = {
 *   errors: { network: 'Pas de connexion au serveur.' },
 *   segmentBuilder: { save: 'Enregistrer', matchCount: (n) => `${n} client(s)` },
 * };
 * ```
 */
export interface GtMessages {
  /** Plain-language text for a failed call, by `GtErrorDetail.code`. */
  errors: {
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
  };
  consentBadge: {
    channels: { email: string; sms: string; unknown: string };
    statuses: {
      subscribed: string;
      unsubscribed: string;
      bounced: string;
      complained: string;
      none: string;
      unknown: string;
    };
    /** What screen readers hear, e.g. "Email consent: Subscribed". */
    accessibleLabel: (channel: string, status: string) => string;
    /** The accessible status when nothing is recorded (longer than the visible "No preference"). */
    noneAccessible: string;
    /** The accessible status for a value this version does not know. */
    unknownAccessible: string;
  };
  customerList: {
    search: string;
    searchPlaceholder: string;
    customers: string;
    loading: string;
    /** Shown below the rows while the next page loads. */
    loadingMore: string;
    empty: string;
    noMatches: (query: string) => string;
    /** No customer matches the filters (no search text). */
    noFilterMatches: string;
    /** How many rows are loaded so far, e.g. "50 customers loaded, more below". */
    loaded: (count: number, more: boolean) => string;
    retry: string;
    types: { customer: string; lead: string };
    /** The filter group and its controls. */
    filters: string;
    filterType: string;
    filterTags: string;
    filterTagsPlaceholder: string;
    filterCountry: string;
    filterCountryPlaceholder: string;
    filterConsent: string;
    /** The "no filter" option of the selects. */
    any: string;
    /** A consent filter option, e.g. "Email: Subscribed" (`status` from consentBadge). */
    consentOption: (channel: string, status: string) => string;
    /** Column headings, by column. */
    columns: {
      name: string;
      type: string;
      country: string;
      tags: string;
      created: string;
      consent: string;
    };
    /** What a sort button adds for screen readers when the list is sorted by it. */
    sortedAscending: string;
    sortedDescending: string;
    /** The detail panel. */
    timeline: (name: string) => string;
    timelineEmpty: string;
    timelineLoading: string;
    close: string;
  };
  segmentBuilder: {
    name: string;
    match: string;
    matchAll: string;
    matchAny: string;
    conditions: string;
    fields: {
      type: string;
      tags: string;
      country: string;
      created_at: string;
      consent: string;
      never_paid: string;
      overdue_amount: string;
    };
    /** Visible labels of a row's cells when rows stack as cards on a narrow screen. */
    fieldLabel: string;
    valueLabel: string;
    /** A card's heading on a narrow screen, e.g. "Condition 2". */
    conditionHeading: (n: number) => string;
    /** A problem on one row, e.g. "Condition 4: enter 1 or more days". */
    conditionProblem: (n: number, problem: string) => string;
    /** What a row's value needs, by kind (client checks and the server's issue paths). */
    problemText: {
      days: string;
      daysMax: string;
      values: string;
      tooLong: string;
      amount: string;
      other: string;
    };
    /** The name is empty. */
    needName: string;
    /** No condition is complete, so there is nothing to save. */
    needCondition: string;
    /** A loaded segment uses conditions the builder cannot show (nested groups, …). */
    unsupportedRule: string;
    /** A sampled member's reasons, in words: one entry per predicate kind. */
    words: {
      tags: (tags: string[]) => string;
      country: (countries: string[]) => string;
      created_at: (days: number) => string;
      consent: (channel: string) => string;
      never_paid: string;
      overdue_amount: (amount: string) => string;
    };
    /** A sampled member who meets only some conditions of an "any" rule. */
    matchesSome: (n: number, total: number) => string;
    customerTypes: { customer: string; lead: string };
    channels: { email: string; sms: string };
    tagsPlaceholder: string;
    countryPlaceholder: string;
    conditionField: (n: number) => string;
    conditionValue: (n: number) => string;
    remove: string;
    removeCondition: (n: number) => string;
    addCondition: string;
    emptyRule: string;
    counting: string;
    matchCount: (count: number) => string;
    save: string;
    saving: string;
    /** The Save button after a save, until the next edit. */
    saved: string;
  };
}

/** The English strings, used for anything a `messages` override leaves out. */
export const defaultMessages: GtMessages = {
  errors: {
    network: 'Could not reach the server. Check your connection and try again.',
    unauthenticated: 'Your session has expired. Reload the page to sign in again.',
    forbidden: 'You do not have permission to do this.',
    notFound: 'This item no longer exists.',
    validation: 'Some values need fixing.',
    server: 'The server had a problem. Try again in a moment.',
    unknown: 'Something went wrong. Try again.',
    notConfigured: 'This widget is not connected: set api-base on it or on <gt-provider>.',
  },
  consentBadge: {
    channels: { email: 'Email', sms: 'SMS', unknown: 'Unknown channel' },
    statuses: {
      subscribed: 'Subscribed',
      unsubscribed: 'Unsubscribed',
      bounced: 'Bounced',
      complained: 'Complained',
      none: 'No preference',
      unknown: 'Unknown',
    },
    accessibleLabel: (channel, status) => `${channel} consent: ${status}`,
    noneAccessible: 'No preference recorded',
    unknownAccessible: 'Unknown status',
  },
  customerList: {
    search: 'Search customers',
    searchPlaceholder: 'Name, email or phone',
    customers: 'Customers',
    loading: 'Loading…',
    loadingMore: 'Loading more…',
    empty: 'No customers yet.',
    noMatches: (query) => `No customer matches “${query}”.`,
    noFilterMatches: 'No customer matches these filters.',
    loaded: (count, more) =>
      `${count} ${count === 1 ? 'customer' : 'customers'} loaded${more ? ', more below' : ''}.`,
    retry: 'Try again',
    types: { customer: 'Customer', lead: 'Lead' },
    filters: 'Filters',
    filterType: 'Type',
    filterTags: 'Tags',
    filterTagsPlaceholder: 'vip, wholesale',
    filterCountry: 'Country',
    filterCountryPlaceholder: 'US',
    filterConsent: 'Consent',
    any: 'Any',
    consentOption: (channel, status) => `${channel}: ${status}`,
    columns: {
      name: 'Name',
      type: 'Type',
      country: 'Country',
      tags: 'Tags',
      created: 'Created',
      consent: 'Consent',
    },
    sortedAscending: 'sorted ascending',
    sortedDescending: 'sorted descending',
    timeline: (name) => `Timeline of ${name}`,
    timelineEmpty: 'No activity yet.',
    timelineLoading: 'Loading the timeline…',
    close: 'Close',
  },
  segmentBuilder: {
    name: 'Name',
    match: 'Match',
    matchAll: 'All conditions',
    matchAny: 'Any condition',
    conditions: 'Conditions',
    fields: {
      type: 'Type is',
      tags: 'Tags include any of',
      country: 'Country is one of',
      created_at: 'Created within the last (days)',
      consent: 'Subscribed on',
      never_paid: 'Never paid',
      overdue_amount: 'Overdue amount over',
    },
    fieldLabel: 'Field',
    valueLabel: 'Value',
    conditionHeading: (n) => `Condition ${n}`,
    conditionProblem: (n, problem) => `Condition ${n}: ${problem}`,
    problemText: {
      days: 'enter 1 or more days',
      daysMax: 'enter 36500 days or fewer',
      values: 'enter at least one value',
      tooLong: 'use 200 characters or fewer per value',
      amount: 'enter an amount like 12.50',
      other: 'check this value',
    },
    needName: 'Enter a name.',
    needCondition: 'Complete at least one condition.',
    unsupportedRule: 'This segment uses conditions this builder cannot edit yet.',
    words: {
      tags: (tags) => `tagged ${tags.join(' or ')}`,
      country: (countries) => `in ${countries.join(' or ')}`,
      created_at: (days) => `joined in the last ${days} days`,
      consent: (channel) => `${channel} opt-in`,
      never_paid: 'never paid',
      overdue_amount: (amount) => `over ${amount} overdue`,
    },
    matchesSome: (n, total) => `meets ${n} of ${total} conditions`,
    customerTypes: { customer: 'Customer', lead: 'Lead' },
    channels: { email: 'Email', sms: 'SMS' },
    tagsPlaceholder: 'vip, wholesale',
    countryPlaceholder: 'US, CA',
    conditionField: (n) => `Condition ${n} field`,
    conditionValue: (n) => `Condition ${n} value`,
    remove: 'Remove',
    removeCondition: (n) => `Remove condition ${n}`,
    addCondition: 'Add condition',
    emptyRule: 'Add a condition to see who matches.',
    counting: 'Counting…',
    matchCount: (count) => `${count} ${count === 1 ? 'customer matches' : 'customers match'}`,
    save: 'Save',
    saving: 'Saving…',
    saved: 'Saved ✓',
  },
};

/** A partial `GtMessages`: any section, any key of it. */
export type GtMessagesOverride = { [S in keyof GtMessages]?: Partial<GtMessages[S]> };

/** `defaultMessages` with each override applied in turn (later ones win). */
export function resolveMessages(...overrides: Array<GtMessagesOverride | undefined>): GtMessages {
  const result = { ...defaultMessages };
  for (const override of overrides) {
    if (!override) continue;
    for (const section of Object.keys(override) as Array<keyof GtMessages>) {
      // Each section is a flat record; nested records (e.g. `fields`) are replaced whole.
      Object.assign(result, { [section]: { ...result[section], ...override[section] } });
    }
  }
  return result;
}
