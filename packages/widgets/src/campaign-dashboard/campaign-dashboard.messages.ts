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
  };
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
  },
  ofAudience: (percent) => `${percent} of the audience`,
};
