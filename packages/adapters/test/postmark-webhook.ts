/**
 * Postmark's webhook records as Postmark's webhook reference documents them (one JSON object
 * per request), and the basic-auth header Postmark sends for credentials in the webhook URL.
 */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

interface RecordOptions {
  messageId?: string;
  postmarkMessageId: string;
  at: Date;
  recipient?: string;
}

const common = (o: RecordOptions) => ({
  MessageID: o.postmarkMessageId,
  Recipient: o.recipient ?? 'dana@example.com',
  Tag: 'spring-sale',
  Metadata: o.messageId ? { gt_message_id: o.messageId, gt_organization_id: 'org' } : {},
  MessageStream: 'outbound',
  ServerID: 23,
});

export const postmarkRecords = {
  delivery: (o: RecordOptions) => ({
    RecordType: 'Delivery',
    ...common(o),
    DeliveredAt: o.at.toISOString(),
    Details: 'Test delivery webhook details',
  }),
  bounce: (o: RecordOptions & { type: string; id: number }) => ({
    RecordType: 'Bounce',
    ID: o.id,
    Type: o.type,
    TypeCode: o.type === 'HardBounce' ? 1 : 4096,
    Name: o.type === 'HardBounce' ? 'Hard bounce' : 'Soft bounce',
    ...common(o),
    Email: o.recipient ?? 'dana@example.com',
    From: 'sender@example.com',
    BouncedAt: o.at.toISOString(),
    Description:
      'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
    Details: 'Test bounce details',
    DumpAvailable: true,
    Inactive: o.type === 'HardBounce',
    CanActivate: true,
    Subject: 'Spring sale',
    Content: '',
  }),
  spamComplaint: (o: RecordOptions & { id: number }) => ({
    RecordType: 'SpamComplaint',
    ID: o.id,
    Type: 'SpamComplaint',
    TypeCode: 512,
    Name: 'Spam complaint',
    ...common(o),
    Email: o.recipient ?? 'dana@example.com',
    From: 'sender@example.com',
    BouncedAt: o.at.toISOString(),
    Details: 'Test spam complaint details',
    Inactive: true,
    CanActivate: false,
    Subject: 'Spring sale',
  }),
  open: (o: RecordOptions) => ({
    RecordType: 'Open',
    ...common(o),
    FirstOpen: true,
    ReceivedAt: o.at.toISOString(),
    Platform: 'WebMail',
    ReadSeconds: 5,
    UserAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)',
    OS: { Name: 'OS X 10.15', Family: 'OS X', Company: 'Apple Computer, Inc.' },
    Client: { Name: 'Chrome 120', Family: 'Chrome', Company: 'Google' },
    Geo: {},
  }),
  click: (o: RecordOptions & { url: string }) => ({
    RecordType: 'Click',
    ...common(o),
    ClickLocation: 'HTML',
    Platform: 'Desktop',
    ReceivedAt: o.at.toISOString(),
    OriginalLink: o.url,
    UserAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)',
    OS: {},
    Client: {},
    Geo: {},
  }),
  subscriptionChange: (o: RecordOptions & { suppress: boolean; reason?: string }) => ({
    RecordType: 'SubscriptionChange',
    ...common(o),
    ChangedAt: o.at.toISOString(),
    Origin: 'Recipient',
    SuppressSending: o.suppress,
    SuppressionReason: o.suppress ? (o.reason ?? 'ManualSuppression') : null,
  }),
};
