/** The strings of `<gt-campaign-dashboard>`: `messages.campaignDashboard` (see `GtMessages`). */
export interface CampaignDashboardMessages {
  /** The campaign list's accessible name. */
  campaigns: string;
  loading: string;
  /** The organization has no campaign yet. */
  empty: string;
  /** Nothing is chosen (the list is empty or still loading). */
  noneChosen: string;
  retry: string;
  channels: { email: string; sms: string };
  statuses: {
    draft: string;
    scheduled: string;
    running: string;
    paused: string;
    completed: string;
  };
  /** The heading of the chosen campaign's section, e.g. "Spring sale". */
  campaignHeading: (name: string) => string;
  /** The runs section. */
  runs: string;
  runsLoading: string;
  /** The campaign has not run yet. */
  noRuns: string;
  /** A run's heading, e.g. "Run of 3/2/2026, 9:00 AM". */
  run: (started: string) => string;
  /** A run that has not started (its audience is not frozen yet). */
  runNotStarted: string;
  /** Labels of a run's counters (`campaign_runs.stats`), by key; other keys show as named. */
  runStats: {
    audience: string;
    sent: string;
    failed: string;
    skipped: string;
    unknown: string;
    holdout: string;
  };
  /** The controls: attribution model and period. */
  controls: string;
  model: string;
  models: { last_click: string; first_touch: string; linear: string; time_decay: string };
  from: string;
  to: string;
  /** The period is backwards or longer than the API answers (366 days). */
  badPeriod: string;
  /** The KPI tiles. */
  results: string;
  kpis: {
    sent: string;
    delivered: string;
    opened: string;
    clicked: string;
    unsubscribed: string;
    conversions: string;
    revenue: string;
  };
  /** A rate's note under its tile, e.g. "96% of sent". */
  ofSent: (percent: string) => string;
  ofDelivered: (percent: string) => string;
  /** When the totals were computed (the materialized views' refresh). */
  asOf: (time: string) => string;
  notComputed: string;
  /** The daily chart and its table. */
  daily: string;
  /** The chart's accessible summary, e.g. "Sends … per day from Mar 1 to Mar 30, 2026 (days in Europe/Paris)". */
  chartSummary: (from: string, to: string, timeZone: string) => string;
  showTable: string;
  day: string;
  total: string;
  series: {
    sends: string;
    deliveries: string;
    opens: string;
    clicks: string;
    conversions: string;
    revenue: string;
  };
  /** The funnel. */
  funnel: string;
  funnelSteps: {
    audience: string;
    sent: string;
    delivered: string;
    opened: string;
    clicked: string;
    converted: string;
  };
  /** A step's share of the step before, e.g. "80% of the step before". */
  ofPrevious: (percent: string) => string;
  /** The holdout comparison. */
  holdout: string;
  /** What the comparison counts, e.g. "Conversions within 14 days of each run's start". */
  holdoutWindow: (days: number) => string;
  treated: string;
  heldOut: string;
  difference: string;
  recipients: string;
  conversionRate: string;
  revenuePerRecipient: string;
  incrementalRevenue: string;
  /** A 95 % interval, e.g. "95% interval: −$3.20 to $5.10". */
  interval: (low: string, high: string) => string;
  noInterval: string;
  /** A counter's share of the audience, for screen readers and the tile's note, e.g. "90% of the audience". */
  ofAudience: (percent: string) => string;
}

/** The English strings of `<gt-campaign-dashboard>`. */
export const campaignDashboardMessages: CampaignDashboardMessages = {
  campaigns: 'Campaigns',
  loading: 'Loading…',
  empty: 'No campaigns yet.',
  noneChosen: 'Choose a campaign to see how it did.',
  retry: 'Try again',
  channels: { email: 'Email', sms: 'SMS' },
  statuses: {
    draft: 'Draft',
    scheduled: 'Scheduled',
    running: 'Running',
    paused: 'Paused',
    completed: 'Completed',
  },
  campaignHeading: (name) => name,
  runs: 'Runs',
  runsLoading: 'Loading the runs…',
  noRuns: 'This campaign has not run yet.',
  run: (started) => `Run of ${started}`,
  runNotStarted: 'Run not started yet',
  runStats: {
    audience: 'Audience',
    sent: 'Sent',
    failed: 'Failed',
    skipped: 'Skipped',
    unknown: 'Outcome unknown',
    holdout: 'Held out',
  },
  controls: 'Model and period',
  model: 'Attribution model',
  models: {
    last_click: 'Last click',
    first_touch: 'First touch',
    linear: 'Linear',
    time_decay: 'Time decay',
  },
  from: 'From',
  to: 'To',
  badPeriod: 'Choose a period of 1 to 366 days.',
  results: 'Results',
  kpis: {
    sent: 'Sent',
    delivered: 'Delivered',
    opened: 'Opened',
    clicked: 'Clicked',
    unsubscribed: 'Unsubscribed',
    conversions: 'Conversions',
    revenue: 'Revenue',
  },
  ofSent: (percent) => `${percent} of sent`,
  ofDelivered: (percent) => `${percent} of delivered`,
  asOf: (time) => `Totals as of ${time}.`,
  notComputed: 'Totals not computed yet.',
  daily: 'Day by day',
  chartSummary: (from, to, timeZone) =>
    `Sends, deliveries, opens, clicks, conversions and revenue per day from ${from} to ${to} (days in ${timeZone}).`,
  showTable: 'Show the numbers as a table',
  day: 'Day',
  total: 'Total',
  series: {
    sends: 'Sends',
    deliveries: 'Deliveries',
    opens: 'Opens',
    clicks: 'Clicks',
    conversions: 'Conversions',
    revenue: 'Revenue',
  },
  funnel: 'Funnel',
  funnelSteps: {
    audience: 'Audience',
    sent: 'Sent',
    delivered: 'Delivered',
    opened: 'Opened',
    clicked: 'Clicked',
    converted: 'Converted',
  },
  ofPrevious: (percent) => `${percent} of the step before`,
  holdout: 'Holdout comparison',
  holdoutWindow: (days) => `Conversions within ${days} days of each run's start.`,
  treated: 'Treated',
  heldOut: 'Held out',
  difference: 'Difference',
  recipients: 'Recipients',
  conversionRate: 'Conversion rate',
  revenuePerRecipient: 'Revenue per recipient',
  incrementalRevenue: 'Incremental revenue',
  interval: (low, high) => `95% interval: ${low} to ${high}`,
  noInterval: 'Too few recipients for an interval.',
  ofAudience: (percent) => `${percent} of the audience`,
};
