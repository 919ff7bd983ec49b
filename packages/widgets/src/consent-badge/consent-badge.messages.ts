/** The strings of `<gt-consent-badge>`: `messages.consentBadge` (see `GtMessages`). */
export interface ConsentBadgeMessages {
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
}

/** The English strings of `<gt-consent-badge>`. */
export const consentBadgeMessages: ConsentBadgeMessages = {
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
};
