/**
 * A deterministic stream of email delivery webhooks for replay tests and the ingest bench:
 * SendGrid batches and single Postmark records about a set of messages, written once as a
 * PLAN (message indexes, event kinds, times, event ids) and rendered into real payloads for
 * any organization's message ids. Seeded: the same seed gives the same plan.
 */
import { postmarkRecords } from './postmark-webhook.js';
import { sendgridEvent } from './sendgrid-webhook.js';

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates with the given PRNG. */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** One event of the plan. `message` −1: a message that is not ours. */
export interface PlannedEvent {
  message: number;
  /** SendGrid's event name or Postmark's record kind. */
  kind: string;
  /** Seconds after the plan's base time. */
  at: number;
  id: string;
  /** Carry our message id (else only the provider's id maps it back). */
  withOurId: boolean;
  extra?: Record<string, unknown>;
}

export interface PlannedWebhook {
  provider: 'sendgrid' | 'postmark';
  events: PlannedEvent[];
}

export interface DeliveryPlan {
  /** Messages `0 … sendgrid-1` go through SendGrid, the rest through Postmark. */
  sendgridMessages: number;
  postmarkMessages: number;
  webhooks: PlannedWebhook[];
  eventCount: number;
}

/** Adds an event of `message` to `events`; 15 % of events carry only the provider's id. */
function pusher(
  events: PlannedEvent[],
  message: number,
  random: () => number,
  counter: () => string,
) {
  return (kind: string, at: number, extra?: Record<string, unknown>) => {
    events.push({
      message,
      kind,
      at,
      id: counter(),
      withOurId: random() > 0.15,
      ...(extra ? { extra } : {}),
    });
  };
}

/** SendGrid events of one message: its life, then engagement and what ends it.  */
function sendgridLife(
  message: number,
  random: () => number,
  counter: () => string,
): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  const push = pusher(events, message, random, counter);
  push('processed', 1);
  if (random() < 0.1) push('deferred', 2, { response: '400 try again later', attempt: '1' });
  const fate = random();
  if (fate < 0.04) {
    push('dropped', 2, { reason: 'Bounced Address', status: '5.0.0' });
    return events;
  }
  if (fate < 0.1) {
    const hard = random() < 0.6;
    push('bounce', 3, {
      type: hard ? 'bounce' : 'blocked',
      reason: '550 5.1.1 unknown',
      status: '5.1.1',
    });
    return events;
  }
  push('delivered', 3, { response: '250 OK' });
  const opens = Math.floor(random() * 30);
  for (let i = 0; i < opens; i++)
    push('open', 10 + Math.floor(random() * 5000), {
      useragent: 'Mozilla/5.0',
      sg_machine_open: random() < 0.2,
    });
  const clicks = Math.floor(random() * 20);
  for (let i = 0; i < clicks; i++) {
    const at = 20 + Math.floor(random() * 5000);
    push('click', at, { url: `https://shop.example/p/${Math.floor(random() * 5)}` });
    // Now and then a second link in the same second: the seed's key keeps one.
    if (random() < 0.1)
      push('click', at, { url: `https://shop.example/q/${Math.floor(random() * 5)}` });
  }
  if (fate > 0.97) push('spamreport', 6000);
  else if (fate > 0.93)
    push(random() < 0.5 ? 'unsubscribe' : 'group_unsubscribe', 6001, { asm_group_id: 7 });
  if (fate > 0.985)
    push('bounce', 7000, { type: 'bounce', reason: 'mailbox gone', status: '5.1.1' });
  return events;
}

function postmarkLife(
  message: number,
  random: () => number,
  counter: () => string,
): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  const push = pusher(events, message, random, counter);
  const fate = random();
  if (fate < 0.1) {
    push('bounce', 3, { type: random() < 0.6 ? 'HardBounce' : 'SoftBounce' });
    return events;
  }
  push('delivery', 3);
  if (random() < 0.7) push('open', 100 + Math.floor(random() * 500));
  if (random() < 0.4)
    push('click', 200 + Math.floor(random() * 500), { url: 'https://shop.example/pm' });
  if (fate > 0.95) push('spamComplaint', 900);
  else if (fate > 0.9) push('subscriptionChange', 901);
  return events;
}

/**
 * A plan of about `events` events: SendGrid messages in batches of `batchSize` (events of
 * many messages mixed, as SendGrid batches them), Postmark messages one record per webhook,
 * and ~1 % of events about messages that are not ours.
 */
export function planDeliveries(options: {
  seed: number;
  events: number;
  postmarkMessages: number;
  batchSize: number;
}): DeliveryPlan {
  const random = seededRandom(options.seed);
  let next = 0;
  const counter = () => `ev${(next++).toString(36).padStart(6, '0')}`;
  const postmark: PlannedEvent[] = [];
  for (let m = 0; m < options.postmarkMessages; m++)
    postmark.push(...postmarkLife(m, random, counter));
  const sendgrid: PlannedEvent[] = [];
  let sendgridMessages = 0;
  while (sendgrid.length + postmark.length < options.events)
    sendgrid.push(...sendgridLife(sendgridMessages++, random, counter));
  // Postmark's messages are numbered after SendGrid's.
  for (const event of postmark) event.message += sendgridMessages;
  for (const event of shuffle(sendgrid, random).slice(0, Math.ceil(sendgrid.length / 100)))
    event.message = -1;
  const batches: PlannedWebhook[] = [];
  const mixed = shuffle(sendgrid, random);
  for (let i = 0; i < mixed.length; i += options.batchSize)
    batches.push({ provider: 'sendgrid', events: mixed.slice(i, i + options.batchSize) });
  const singles: PlannedWebhook[] = postmark.map((event) => ({
    provider: 'postmark',
    events: [event],
  }));
  return {
    sendgridMessages,
    postmarkMessages: options.postmarkMessages,
    webhooks: [...batches, ...singles],
    eventCount: sendgrid.length + postmark.length,
  };
}

/** An organization's ids for the plan's messages (index → ours, index → the provider's). */
export interface PlanIds {
  messageIds: readonly string[];
  providerIds: readonly string[];
  /** Unix seconds the plan's times count from. */
  base: number;
}

/** The body one planned webhook is posted with, for one organization's messages. */
export function renderWebhook(webhook: PlannedWebhook, ids: PlanIds): string {
  const ours = (e: PlannedEvent) =>
    e.message < 0 ? '00000000-0000-4000-8000-000000000000' : (ids.messageIds[e.message] as string);
  const theirs = (e: PlannedEvent) =>
    e.message < 0 ? `unknown-${e.id}` : (ids.providerIds[e.message] as string);
  if (webhook.provider === 'sendgrid')
    return JSON.stringify(
      webhook.events.map((e) =>
        sendgridEvent(e.kind, {
          ...(e.withOurId ? { messageId: ours(e) } : {}),
          sgMessageId: theirs(e),
          eventId: e.id,
          timestamp: ids.base + e.at,
          ...(e.extra ? { extra: e.extra } : {}),
        }),
      ),
    );
  const [e] = webhook.events as [PlannedEvent];
  const o = {
    ...(e.withOurId ? { messageId: ours(e) } : {}),
    postmarkMessageId: theirs(e),
    at: new Date((ids.base + e.at) * 1000),
  };
  const id = Number.parseInt(e.id.slice(2), 36);
  switch (e.kind) {
    case 'delivery':
      return JSON.stringify(postmarkRecords.delivery(o));
    case 'bounce':
      return JSON.stringify(postmarkRecords.bounce({ ...o, type: String(e.extra?.type), id }));
    case 'open':
      return JSON.stringify(postmarkRecords.open(o));
    case 'click':
      return JSON.stringify(postmarkRecords.click({ ...o, url: String(e.extra?.url) }));
    case 'spamComplaint':
      return JSON.stringify(postmarkRecords.spamComplaint({ ...o, id }));
    default:
      return JSON.stringify(postmarkRecords.subscriptionChange({ ...o, suppress: true }));
  }
}
