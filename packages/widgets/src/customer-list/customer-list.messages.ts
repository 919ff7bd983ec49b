/** The strings of `<gt-customer-list>`: `messages.customerList` (see `GtMessages`). */
export interface CustomerListMessages {
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
}

/** The English strings of `<gt-customer-list>`. */
export const customerListMessages: CustomerListMessages = {
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
};
