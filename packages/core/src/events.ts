/**
 * Typed domain events. Listeners receive a payload object; events from a transaction are
 * delivered only after it commits, so a listener never sees a change that was rolled back.
 *
 * @example
 * gt.on('membership.created', ({ organizationId, userId, role }) => { ... });
 */
import type { Channel, ConsentPolicy, Role, SubscriptionStatus } from './db/types.js';
import type { WebhookProvider } from './providers/webhooks.js';

/** Who caused a change. */
export interface ActorRef {
  type: 'user' | 'system' | 'webhook';
  id: string | null;
}

/** Every event GreenTrack emits, by name, with its payload. */
export interface GreenTrackEventMap {
  'user.created': { userId: string; email: string };
  'organization.created': { organizationId: string; name: string; ownerUserId: string };
  'organization.updated': { organizationId: string; name: string; actor: ActorRef };
  'membership.created': {
    organizationId: string;
    membershipId: string;
    userId: string;
    role: Role;
    actor: ActorRef;
  };
  'membership.updated': {
    organizationId: string;
    membershipId: string;
    userId: string;
    role: Role;
    previousRole: Role;
    actor: ActorRef;
  };
  'customer.created': { organizationId: string; customerId: string; actor: ActorRef };
  'segment.created': { organizationId: string; segmentId: string; actor: ActorRef };
  'segment.updated': { organizationId: string; segmentId: string; actor: ActorRef };
  'segment.deleted': { organizationId: string; segmentId: string; actor: ActorRef };
  'campaign.created': { organizationId: string; campaignId: string; actor: ActorRef };
  'campaign.updated': { organizationId: string; campaignId: string; actor: ActorRef };
  'campaign.deleted': { organizationId: string; campaignId: string; actor: ActorRef };
  /** Scheduled to start at `scheduleAt` (the worker starts it then). */
  'campaign.scheduled': {
    organizationId: string;
    campaignId: string;
    scheduleAt: Date;
    actor: ActorRef;
  };
  /** The worker started a run: its audience is frozen (`audience` recipients). */
  'campaign.started': {
    organizationId: string;
    campaignId: string;
    campaignRunId: string;
    audience: number;
    actor: ActorRef;
  };
  /** A batch of a run went out: `sent` and `failed` count this batch. */
  'campaign.progress': {
    organizationId: string;
    campaignId: string;
    campaignRunId: string;
    sent: number;
    failed: number;
  };
  /**
   * A campaign message was accepted by the provider; emitted once the outcome is committed.
   * Test sends (`campaigns.sendTest`) are not messages and emit nothing.
   */
  'message.sent': {
    organizationId: string;
    campaignId: string;
    campaignRunId: string;
    messageId: string;
    customerId: string;
    channel: Channel;
    /** The provider's id of the message (what its webhooks name), when it gave one. */
    providerMessageId: string | null;
  };
  /**
   * A campaign message failed for good (a permanent provider error, retries used up, or the
   * template could not be rendered for the recipient); emitted once the outcome is
   * committed. A transient failure that will be retried emits nothing yet.
   */
  'message.failed': {
    organizationId: string;
    campaignId: string;
    campaignRunId: string;
    /** `null` when it failed before a message row was written (rendering). */
    messageId: string | null;
    customerId: string;
    channel: Channel;
    reason: string;
  };
  /**
   * A provider's circuit breaker opened: it failed `dispatch.circuitBreaker.consecutiveFailures`
   * calls in a row (5xx, 429, timeouts), so campaign sends skip it until `probeAt`, when one
   * call probes it. Breakers are per worker process: each process reports its own.
   * `organizationId` is the organization whose send tripped it; `nextProviderId` is where
   * that organization's sends go now (`null`: no provider left, sends wait).
   */
  'provider.failover': {
    channel: Channel;
    providerId: string;
    nextProviderId: string | null;
    organizationId: string;
    probeAt: Date;
  };
  /** A provider whose breaker was open answered its probe: sends go to it again. */
  'provider.recovered': { channel: Channel; providerId: string; organizationId: string };
  /**
   * An invoice went out (`invoices.send`): `channels` are the ones sent now, `messageIds`
   * their messages; emitted once recorded. A repeated send answered `already_sent` emits nothing.
   */
  'invoice.sent': {
    organizationId: string;
    invoiceId: string;
    channels: Channel[];
    messageIds: string[];
    actor: ActorRef;
  };
  'campaign.paused': { organizationId: string; campaignId: string; actor: ActorRef };
  'campaign.resumed': { organizationId: string; campaignId: string; actor: ActorRef };
  /** Finished: every message of the run has an outcome, or it was cancelled. */
  'campaign.completed': {
    organizationId: string;
    campaignId: string;
    cancelled: boolean;
    actor: ActorRef;
  };
  'template.created': { organizationId: string; templateId: string; actor: ActorRef };
  'template.updated': { organizationId: string; templateId: string; actor: ActorRef };
  'template.deleted': { organizationId: string; templateId: string; actor: ActorRef };
  'customer.updated': { organizationId: string; customerId: string; actor: ActorRef };
  'customer.deleted': { organizationId: string; customerId: string; actor: ActorRef };
  /**
   * A customer was erased (`customers.erase`) with its history. No personal data; the
   * ZeroInvoice id (if any) lets the host erase the person there too.
   */
  'customer.erased': {
    organizationId: string;
    customerId: string;
    externalZeroinvoiceCustomerId: string | null;
    actor: ActorRef;
  };
  'membership.deleted': {
    organizationId: string;
    membershipId: string;
    userId: string;
    actor: ActorRef;
  };
  /**
   * A provider's webhook was verified and stored (`pending`); emitted once the row is
   * committed, before it is processed. `eventCount` is how many provider events it carries.
   */
  'webhook.received': {
    organizationId: string;
    webhookId: string;
    provider: WebhookProvider;
    integrationAccountId: string;
    eventType: string | null;
    eventCount: number;
  };
  /**
   * Processing a stored webhook failed: its handlers' work was rolled back and the row is
   * `failed` with `error` (`org.webhooks.reprocess` / `replay` run it again).
   */
  'webhook.failed': {
    organizationId: string;
    webhookId: string;
    provider: WebhookProvider;
    integrationAccountId: string;
    error: string;
  };
  /** A customer's stored status on a channel changed (never emitted for a no-op). */
  'consent.changed': {
    organizationId: string;
    customerId: string;
    channel: Channel;
    status: SubscriptionStatus;
    /** `null` when the customer had no status on this channel before. */
    previousStatus: SubscriptionStatus | null;
    /** Where the change came from, as given to `consent.set`; `null` if not given. */
    source: string | null;
    actor: ActorRef;
  };
  'consent.policy_changed': {
    organizationId: string;
    policy: ConsentPolicy;
    previousPolicy: ConsentPolicy;
    actor: ActorRef;
  };
  /**
   * Progress of `gt.customers.reembedAll`: after the enqueue (`embedded: 0`) and after each
   * batch. `organizationId` is `null` for a backfill of every organization.
   */
  'embedding.progress': {
    organizationId: string | null;
    embedded: number;
    failed: number;
    total: number;
  };
  /**
   * A CSV import (`customers.import`) committed one more batch. Counts are cumulative for
   * the import so far; `errors` counts rejected rows. Imports emit this instead of one
   * `customer.created`/`customer.updated` per row.
   */
  'import.progress': {
    organizationId: string;
    importId: string;
    /** 1-based number of the batch just committed. */
    batch: number;
    processed: number;
    created: number;
    updated: number;
    skipped: number;
    errors: number;
    actor: ActorRef;
  };
  /**
   * An invoice sync (`invoices.sync`, or the worker's) committed one more page of one
   * integration account into the cache. Counts are cumulative for that account's sync.
   */
  'invoice.sync.progress': InvoiceSyncCounts & {
    organizationId: string;
    integrationAccountId: string;
    /** 1-based number of the page just committed. */
    page: number;
  };
  /**
   * One integration account's invoices are synced: every page up to the source's latest is
   * in the cache. A sync that found nothing new emits it too, with zero counts.
   */
  'invoice.synced': InvoiceSyncCounts & {
    organizationId: string;
    integrationAccountId: string;
    /** True when it read everything (`full`, or no cursor yet) rather than since the cursor. */
    full: boolean;
    actor: ActorRef;
  };
  /**
   * An invoice became `overdue`: past its due date (in the organization's time zone) with
   * an amount still due. Emitted on the change of stored status, so once per invoice for
   * as long as it stays overdue; a repeated status pass emits nothing.
   */
  'invoice.overdue': {
    organizationId: string;
    invoiceId: string;
    externalInvoiceId: string;
    customerId: string | null;
    amountDueCents: number;
    currency: string;
    /** `YYYY-MM-DD`. */
    dueDate: string;
    actor: ActorRef;
  };
  /** A payment brought an invoice's amount due to zero: its status became `paid`. */
  'invoice.paid': {
    organizationId: string;
    invoiceId: string;
    externalInvoiceId: string;
    customerId: string | null;
    totalCents: number;
    currency: string;
    /** The payment that settled it. */
    paymentId: string;
    actor: ActorRef;
  };
  /**
   * A payment succeeded and was recorded (once per payment, however often its source
   * delivers it). `invoiceId` is null when the invoice is not in the cache yet.
   */
  'payment.succeeded': {
    organizationId: string;
    paymentId: string;
    externalPaymentId: string;
    externalInvoiceId: string;
    invoiceId: string | null;
    customerId: string | null;
    amountCents: number;
    currency: string;
    method: string | null;
    processedAt: Date | null;
    actor: ActorRef;
  };
  /** A refund succeeded and was recorded; `amountCents` is positive (money given back). */
  'payment.refunded': {
    organizationId: string;
    paymentId: string;
    externalPaymentId: string;
    externalInvoiceId: string;
    invoiceId: string | null;
    customerId: string | null;
    amountCents: number;
    currency: string;
    actor: ActorRef;
  };
}

/** What an invoice sync did to the cache. */
export interface InvoiceSyncCounts {
  /** Invoices new to the cache. */
  inserted: number;
  /** Invoices whose fields or snapshot changed (their items were replaced). */
  updated: number;
  /** Invoices read that were already in the cache as they are: not written. */
  unchanged: number;
  /** Line items written (of inserted and updated invoices). */
  items: number;
}

export type GreenTrackEventName = keyof GreenTrackEventMap;

/** The listener signatures, in the shape eventemitter3 expects. */
export type GreenTrackListeners = {
  [K in GreenTrackEventName]: (payload: GreenTrackEventMap[K]) => void;
};

/** Emits one event; inside a transaction the scope's `emit` queues until commit. */
export type Emit = <K extends GreenTrackEventName>(name: K, payload: GreenTrackEventMap[K]) => void;
