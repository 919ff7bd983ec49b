/** The predicate kinds of the server's rule language (`field` of a rule leaf). */
export type ConditionFieldName =
  | 'type'
  | 'name'
  | 'notes'
  | 'email_domain'
  | 'city'
  | 'state'
  | 'postal_code'
  | 'country'
  | 'created_at'
  | 'updated_at'
  | 'tags'
  | 'consent'
  | 'invoice_status'
  | 'overdue_amount'
  | 'paid_total'
  | 'never_paid'
  | 'last_paid'
  | 'invoice_count'
  | 'invoice_total'
  | 'engagement'
  | 'event';

/** The strings of `<gt-segment-builder>`: `messages.segmentBuilder` (see `GtMessages`). */
export interface SegmentBuilderMessages {
  name: string;
  match: string;
  /** A group's match mode: `none` is "not any", `not_all` is "not all". */
  modes: { all: string; any: string; none: string; not_all: string };
  conditions: string;
  /** The field select's options, one per predicate kind of the server's rule language. */
  fields: Record<ConditionFieldName, string>;
  /**
   * The operator select's options, by the rule's `op`; a leading `!` is the negation the
   * builder writes as `{ not: … }` (e.g. `!eq` "is not").
   */
  ops: Record<string, string>;
  /** Words between a row's inputs ("in the last", "days"), by template token. */
  joins: {
    inLast: string;
    daysUnit: string;
    daysAgo: string;
    and: string;
    atLeast: string;
    timesInLast: string;
    thatIs: string;
  };
  /** Accessible names of a row's inputs after its first ("Condition 3 days"). */
  inputs: {
    days: string;
    count: string;
    to: string;
    money: string;
    choice: string;
    list: string;
    text: string;
    from: string;
  };
  /** Visible labels of a row's cells when rows stack as cards on a narrow screen. */
  fieldLabel: string;
  opLabel: string;
  valueLabel: string;
  /** A card's heading on a narrow screen, e.g. "Condition 2" or "Condition 2.1". */
  conditionHeading: (n: string) => string;
  /** A nested group's heading, e.g. "Group 2". */
  groupHeading: (n: string) => string;
  /** A problem on one row, e.g. "Condition 4: enter 1 or more days". */
  conditionProblem: (n: string, problem: string) => string;
  /** What a row's value needs, by kind (client checks and the server's issue paths). */
  problemText: {
    days: string;
    daysMax: string;
    values: string;
    tooLong: string;
    amount: string;
    count: string;
    text: string;
    date: string;
    country: string;
    similarity: string;
    other: string;
  };
  /** The name is empty. */
  needName: string;
  /** No condition is complete, so there is nothing to save. */
  needCondition: string;
  /** A loaded segment uses something the builder cannot show (e.g. a bare vector). */
  unsupportedRule: string;
  /** A sampled member who meets only some conditions of an "any" rule. */
  matchesSome: (n: number, total: number) => string;
  /** A sampled member's similarity to the "similar to" text, e.g. "87 % similar". */
  similarity: (percent: number) => string;
  customerTypes: { customer: string; lead: string };
  channels: { email: string; sms: string };
  invoiceStatuses: { draft: string; sent: string; paid: string; overdue: string; void: string };
  tagsPlaceholder: string;
  countryPlaceholder: string;
  /** The listbox of tag and country suggestions under a chip input. */
  suggestions: string;
  /** A chip's remove button, e.g. "Remove vip". */
  removeChip: (value: string) => string;
  conditionField: (n: string) => string;
  conditionOp: (n: string) => string;
  conditionValue: (n: string) => string;
  /** Any other input of a row, e.g. "Condition 3 days". */
  conditionInput: (n: string, input: string) => string;
  groupMode: (n: string) => string;
  remove: string;
  removeCondition: (n: string) => string;
  removeGroup: (n: string) => string;
  addCondition: string;
  addGroup: string;
  /** The add buttons of a nested group, e.g. "Add condition to group 2". */
  addConditionTo: (n: string) => string;
  addGroupTo: (n: string) => string;
  /** The "similar to" (vector) criterion: free text, and how similar members must be. */
  similarTo: string;
  similarityAtLeast: string;
  emptyRule: string;
  counting: string;
  matchCount: (count: number) => string;
  save: string;
  saving: string;
  /** The Save button after a save, until the next edit. */
  saved: string;
}

/** The English strings of `<gt-segment-builder>`. */
export const segmentBuilderMessages: SegmentBuilderMessages = {
  name: 'Name',
  match: 'Match',
  modes: {
    all: 'All conditions',
    any: 'Any condition',
    none: 'No condition',
    not_all: 'Not all conditions',
  },
  conditions: 'Conditions',
  fields: {
    type: 'Type',
    name: 'Name',
    notes: 'Notes',
    email_domain: 'Email domain',
    city: 'City',
    state: 'State',
    postal_code: 'Postal code',
    country: 'Country',
    created_at: 'Created',
    updated_at: 'Updated',
    tags: 'Tags',
    consent: 'Consent',
    invoice_status: 'Invoices',
    overdue_amount: 'Overdue amount',
    paid_total: 'Paid',
    never_paid: 'Never paid',
    last_paid: 'Last paid',
    invoice_count: 'Invoices issued',
    invoice_total: 'Invoiced',
    engagement: 'Engagement',
    event: 'Event',
  },
  ops: {
    eq: 'is',
    '!eq': 'is not',
    in: 'is one of',
    '!in': 'is none of',
    contains: 'contains',
    '!contains': 'does not contain',
    within_days: 'in the last',
    '!within_days': 'not in the last',
    between: 'between',
    has_any: 'include any of',
    has_all: 'include all of',
    has_none: 'include none of',
    subscribed: 'given for',
    unsubscribed: 'not given for',
    has: 'include one',
    '!has': 'include none',
    gt: 'more than',
    '!gt': 'at most',
    lt: 'less than',
    older_than: 'more than',
    received: 'received a message',
    opened: 'opened a message',
    clicked: 'clicked a message',
    not_messaged: 'no message sent',
    at_least: 'named',
  },
  joins: {
    inLast: 'in the last',
    daysUnit: 'days',
    daysAgo: 'days ago',
    and: 'and',
    atLeast: 'at least',
    timesInLast: 'times in the last',
    thatIs: 'that is',
  },
  inputs: {
    days: 'days',
    count: 'count',
    to: 'end date',
    money: 'amount',
    choice: 'value',
    list: 'values',
    text: 'text',
    from: 'start date',
  },
  fieldLabel: 'Field',
  opLabel: 'Operator',
  valueLabel: 'Value',
  conditionHeading: (n) => `Condition ${n}`,
  groupHeading: (n) => `Group ${n}`,
  conditionProblem: (n, problem) => `Condition ${n}: ${problem}`,
  problemText: {
    days: 'enter 1 or more days',
    daysMax: 'enter 36500 days or fewer',
    values: 'enter at least one value',
    tooLong: 'use 200 characters or fewer per value',
    amount: 'enter an amount like 12.50',
    count: 'enter a whole number',
    text: 'enter a value',
    date: 'choose a date',
    country: 'choose countries from the list',
    similarity: 'enter a similarity from 0 to 100',
    other: 'check this value',
  },
  needName: 'Enter a name.',
  needCondition: 'Complete at least one condition.',
  unsupportedRule: 'This segment uses conditions this builder cannot edit yet.',
  matchesSome: (n, total) => `meets ${n} of ${total} conditions`,
  similarity: (percent) => `${percent} % similar`,
  customerTypes: { customer: 'Customer', lead: 'Lead' },
  channels: { email: 'Email', sms: 'SMS' },
  invoiceStatuses: {
    draft: 'Draft',
    sent: 'Sent',
    paid: 'Paid',
    overdue: 'Overdue',
    void: 'Void',
  },
  tagsPlaceholder: 'vip, wholesale',
  countryPlaceholder: 'Germany, US',
  suggestions: 'Suggestions',
  removeChip: (value) => `Remove ${value}`,
  conditionField: (n) => `Condition ${n} field`,
  conditionOp: (n) => `Condition ${n} operator`,
  conditionValue: (n) => `Condition ${n} value`,
  conditionInput: (n, input) => `Condition ${n} ${input}`,
  groupMode: (n) => `Group ${n} match`,
  remove: 'Remove',
  removeCondition: (n) => `Remove condition ${n}`,
  removeGroup: (n) => `Remove group ${n}`,
  addCondition: 'Add condition',
  addGroup: 'Add group',
  addConditionTo: (n) => `Add condition to group ${n}`,
  addGroupTo: (n) => `Add group to group ${n}`,
  similarTo: 'Similar to',
  similarityAtLeast: 'Similarity at least (%)',
  emptyRule: 'Add a condition to see who matches.',
  counting: 'Counting…',
  matchCount: (count) => `${count} ${count === 1 ? 'customer matches' : 'customers match'}`,
  save: 'Save',
  saving: 'Saving…',
  saved: 'Saved ✓',
};
