/**
 * `invoices.send`: an invoice rendered per channel and sent through the organization's
 * providers, on the exactly-once ledger campaign messages use — a `messages` row committed
 * BEFORE the provider call, the call through `sendChunk` (provider order, failover,
 * circuit breakers, rate, timeout: the dispatcher's own code), then the outcome recorded.
 *
 * 1. **Check** everything that can be refused, before anything is written or sent: the
 *    invoice (not `void`, linked to a customer), each channel's address and suppression,
 *    the templates, the rendering. A 4xx never sends anything.
 * 2. **Hand off** (one transaction, the invoice row locked so two sends of one invoice
 *    queue up): per channel, an earlier message of the invoice that was not `failed`
 *    answers `already_sent` unless `resend` is asked (decision 139); else a `queued`
 *    message and its `invoice_messages` link.
 * 3. **Send** each message once. A call that may have reached the provider (timeout)
 *    leaves the message `queued`: its outcome is unknown, and the next send of the invoice
 *    on that channel answers `already_sent` rather than risk a duplicate.
 * 4. **Record** (one transaction): messages `sent`/`failed`, the channels appended to
 *    `sent_via` once, a `draft` invoice marked `sent`, the audit row, `invoice.sent`.
 *
 * Consent (decision 138): an invoice is transactional, so marketing consent (opt-in mode,
 * an email unsubscribe) does not apply; what makes an address unable or unwilling to
 * receive anything does — a hard bounce or complaint on either channel, and STOP
 * (`unsubscribed`) on SMS, which carriers enforce for every message.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { recordAudit } from '../audit/index.js';
import { providerChain, providerPace, sendChunk } from '../campaigns/index.js';
import type { SubscriptionStatus } from '../db/types.js';
import { toJson } from '../db/values.js';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import { findInvoice } from '../invoices/index.js';
import type { PaymentLinkDeps } from '../payment-links/index.js';
import type {
  MessageCustomer,
  MessageInvoice,
  MessageTemplate,
  RenderedMessage,
  RenderMessage,
} from '../providers/message-render.js';
import {
  configuredProviders,
  type MessagingProviders,
  type ProviderFailure,
} from '../providers/messaging.js';
import { inTransaction, type Scope } from '../scope.js';
import { TemplateErrorCode, templateInvoice } from '../templates/index.js';
import { parseInput } from '../validation.js';
import { BUILT_IN_INVOICE_TEMPLATES } from './default-templates.js';
import { InvoiceDeliveryErrorCode } from './error-codes.js';
import { paymentLinkFor } from './payment-link.js';
import {
  type InvoiceDelivery,
  type InvoiceSend,
  type InvoiceSendResult,
  invoiceSendSchema,
} from './schema.js';

type Channel = 'email' | 'sms';

/** What sending needs from the instance (the same parts a campaign's resend uses). */
export interface InvoiceDeliveryDeps {
  providers: MessagingProviders;
  render: RenderMessage;
  dispatch: { from?: { email: string; name?: string }; leaseMs?: number; sendTimeoutMs?: number };
  /** Makes the invoice's payment link when a payments connector is configured. */
  paymentLinks: PaymentLinkDeps;
}

/** Statuses that stop even a transactional message on the channel (decision 138). */
const BLOCKING: Readonly<Record<Channel, readonly SubscriptionStatus[]>> = {
  email: ['bounced', 'complained'],
  sms: ['unsubscribed', 'bounced', 'complained'],
};

const DEFAULT_FROM_EMAIL = 'no-reply@greentrack.invalid';
const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_SEND_TIMEOUT_MS = 30_000;

/** One channel's message, rendered and ready to hand off. */
interface Planned {
  channel: Channel;
  messageId: string;
  to: string;
  template: MessageTemplate;
  /** The organization's template row, or null for the built-in. */
  templateId: string | null;
  rendered: RenderedMessage;
}

// `invoices.send` documents the generic NOT_FOUND (`invoices.get` and `paymentLink` answer
// INVOICE_NOT_FOUND, also 404); kept so a client's check of the code does not break.
const invoiceNotFound = () =>
  new GreenTrackError({ code: CommonErrorCode.NOT_FOUND, message: 'Invoice not found' });

/**
 * Sends the invoice on each channel of `input.via`.
 * @throws `NOT_FOUND`, `VALIDATION_FAILED`, `INVOICE_NOT_SENDABLE` (void),
 * `INVOICE_NO_RECIPIENT`, `INVOICE_RECIPIENT_UNREACHABLE`, `TEMPLATE_RENDER_FAILED`,
 * `INVOICE_SEND_FAILED` (every channel's provider refused; the attempts are recorded)
 */
export async function sendInvoice(
  scope: Scope,
  deps: InvoiceDeliveryDeps,
  invoiceId: string,
  input: InvoiceSend,
): Promise<InvoiceSendResult> {
  const parsed = parseInput(invoiceSendSchema, input, { what: 'invoice send' });
  const invoice = await findInvoice(scope, invoiceId);
  if (!invoice) throw invoiceNotFound();
  if (invoice.status === 'void')
    throw new GreenTrackError({
      code: InvoiceDeliveryErrorCode.INVOICE_NOT_SENDABLE,
      message: 'A void invoice is not sent',
    });
  if (invoice.customer_id === null)
    throw new GreenTrackError({
      code: InvoiceDeliveryErrorCode.INVOICE_NO_RECIPIENT,
      message: 'The invoice is linked to no customer',
    });
  const customer = await recipient(scope, invoice.customer_id, parsed.via);
  const variables: MessageInvoice = await templateInvoice(scope, {
    ...invoice,
    stripe_payment_link: await paymentLinkFor(scope, deps.paymentLinks, invoice),
  });
  const organization = await scope.db
    .selectFrom('organizations')
    .select(['id', 'name'])
    .where('id', '=', scope.organizationId)
    .executeTakeFirstOrThrow();

  const planned: Planned[] = [];
  for (const channel of parsed.via) {
    const templateId = parsed.templates?.[channel] ?? null;
    const template = templateId
      ? await organizationTemplate(scope, channel, templateId)
      : BUILT_IN_INVOICE_TEMPLATES[channel];
    const messageId = randomUUID();
    planned.push({
      channel,
      messageId,
      to: customer.addresses[channel],
      template,
      templateId,
      rendered: await render(deps.render, {
        template,
        customer: customer.row,
        organization,
        messageId,
        utm: { source: null, medium: null, campaign: null },
        invoice: variables,
      }),
    });
  }

  const { toSend, earlier } = await handOff(
    scope,
    { id: invoice.id, customerId: invoice.customer_id },
    planned,
    parsed.resend === true,
  );
  const sent: InvoiceDelivery[] = [];
  for (const message of toSend)
    sent.push(await sendOne(scope, deps, message, organization.name, customer.row.name));
  const after = await record(scope, invoice.id, sent);
  const deliveries = parsed.via.flatMap(
    (channel) =>
      earlier.find((d) => d.channel === channel) ?? sent.find((d) => d.channel === channel) ?? [],
  );
  if (deliveries.every((d) => d.outcome === 'failed'))
    throw new GreenTrackError({
      code: InvoiceDeliveryErrorCode.INVOICE_SEND_FAILED,
      message: `The provider did not send the invoice: ${deliveries.map((d) => `${d.channel}: ${d.failure?.code}`).join(', ')}`,
      details: { deliveries },
    });
  return { invoice_id: invoice.id, status: after.status, sent_via: after.sent_via, deliveries };
}

/**
 * The customer row as the renderer reads it, and their address per requested channel.
 * @throws `INVOICE_RECIPIENT_UNREACHABLE` naming each channel that cannot be used, and why
 */
async function recipient(
  scope: Scope,
  customerId: string,
  via: readonly Channel[],
): Promise<{ row: MessageCustomer; addresses: Record<Channel, string> }> {
  const found = await sql<{
    customer: MessageCustomer;
    statuses: Partial<Record<Channel, SubscriptionStatus>> | null;
  }>`
    SELECT to_jsonb(c) - 'embedding' AS customer,
           (SELECT jsonb_object_agg(s.channel, s.status) FROM subscriptions s
             WHERE s.organization_id = c.organization_id AND s.customer_id = c.id) AS statuses
      FROM customers c
     WHERE c.id = ${customerId} AND c.organization_id = ${scope.organizationId}`.execute(scope.db);
  const row = found.rows[0];
  if (!row)
    throw new GreenTrackError({
      code: InvoiceDeliveryErrorCode.INVOICE_NO_RECIPIENT,
      message: "The invoice's customer no longer exists",
    });
  const addresses = { email: row.customer.email ?? '', sms: row.customer.phone ?? '' };
  const problems = via.flatMap((channel) => {
    const status = row.statuses?.[channel];
    if (addresses[channel] === '') return [{ channel, reason: 'no address' }];
    if (status && BLOCKING[channel].includes(status)) return [{ channel, reason: status }];
    return [];
  });
  if (problems.length > 0)
    throw new GreenTrackError({
      code: InvoiceDeliveryErrorCode.INVOICE_RECIPIENT_UNREACHABLE,
      message: `The customer cannot be reached: ${problems.map((p) => `${p.channel}: ${p.reason}`).join(', ')}`,
      details: { channels: problems },
    });
  return { row: row.customer, addresses };
}

/** The organization's template `id` of `channel`. @throws `VALIDATION_FAILED` on `templates.<channel>` */
async function organizationTemplate(
  scope: Scope,
  channel: Channel,
  id: string,
): Promise<MessageTemplate> {
  const row = await scope.db
    .selectFrom('templates')
    .select(['id', 'channel', 'subject', 'content', 'metadata'])
    .where('organization_id', '=', scope.organizationId)
    .where('id', '=', id)
    .where('channel', '=', channel)
    .executeTakeFirst();
  if (row) return row;
  const message = `no ${channel} template with this id in the organization`;
  throw new GreenTrackError({
    code: CommonErrorCode.VALIDATION_FAILED,
    message: `Invalid invoice send: templates.${channel}: ${message}`,
    details: { issues: [{ path: `templates.${channel}`, message }] },
  });
}

/** Renders one message. @throws `TEMPLATE_RENDER_FAILED` (nothing is sent then) */
async function render(
  renderer: RenderMessage,
  input: Parameters<RenderMessage>[0],
): Promise<RenderedMessage> {
  try {
    return await renderer(input);
  } catch (error) {
    throw new GreenTrackError({
      code: TemplateErrorCode.TEMPLATE_RENDER_FAILED,
      message: `The ${input.template.channel} invoice template could not be rendered: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
}

/**
 * Writes the messages to send (and answers `already_sent` for the channels that went out
 * before), under the invoice's row lock; committed before any provider call.
 */
async function handOff(
  scope: Scope,
  invoice: { id: string; customerId: string },
  planned: readonly Planned[],
  resend: boolean,
): Promise<{ toSend: Planned[]; earlier: InvoiceDelivery[] }> {
  const invoiceId = invoice.id;
  return inTransaction(scope, async (tx) => {
    await findInvoice(tx, invoiceId, { forUpdate: true });
    const previous = resend
      ? []
      : await tx.db
          .selectFrom('invoice_messages as im')
          .innerJoin('messages as m', 'm.id', 'im.message_id')
          .select(['im.channel', 'm.id', 'm.to_address', 'm.provider', 'm.provider_message_id'])
          .where('im.organization_id', '=', tx.organizationId)
          .where('im.invoice_id', '=', invoiceId)
          .where('m.status', '<>', 'failed')
          .orderBy('m.created_at')
          .execute();
    const earlier: InvoiceDelivery[] = [];
    const toSend: Planned[] = [];
    for (const message of planned) {
      const before = previous.find((p) => p.channel === message.channel);
      if (before)
        earlier.push({
          channel: message.channel,
          outcome: 'already_sent',
          message_id: before.id,
          to: before.to_address,
          provider: before.provider,
          provider_message_id: before.provider_message_id,
          failure: null,
        });
      else toSend.push(message);
    }
    if (toSend.length === 0) return { toSend, earlier };
    await tx.db
      .insertInto('messages')
      .values(
        toSend.map((m) => ({
          id: m.messageId,
          organization_id: tx.organizationId,
          customer_id: invoice.customerId,
          channel: m.channel,
          to_address: m.to,
          template_id: m.templateId,
          subject: m.rendered.channel === 'email' ? m.rendered.subject : null,
          body: m.rendered.channel === 'email' ? m.rendered.html : m.rendered.text,
          status: 'queued' as const,
        })),
      )
      .execute();
    await tx.db
      .insertInto('invoice_messages')
      .values(
        toSend.map((m) => ({
          message_id: m.messageId,
          organization_id: tx.organizationId,
          invoice_id: invoiceId,
          channel: m.channel,
        })),
      )
      .execute();
    return { toSend, earlier };
  });
}

/** One message through the channel's provider chain, as the dispatcher sends a chunk. */
async function sendOne(
  scope: Scope,
  deps: InvoiceDeliveryDeps,
  message: Planned,
  organizationName: string,
  customerName: string,
): Promise<InvoiceDelivery> {
  const order = await scope.db
    .selectFrom('organization_settings')
    .select(message.channel === 'email' ? 'email_providers' : 'sms_providers')
    .where('organization_id', '=', scope.organizationId)
    .executeTakeFirst();
  const configured = configuredProviders(deps.providers, message.channel);
  const chain = providerChain(configured, order ? Object.values(order)[0] : null);
  const leaseMs = deps.dispatch.leaseMs ?? DEFAULT_LEASE_MS;
  const outcome = await sendChunk(
    chain,
    [
      {
        messageId: message.messageId,
        address: message.to,
        name: customerName,
        rendered: message.rendered,
      },
    ],
    {
      run: { organizationId: scope.organizationId, channel: message.channel },
      clock: scope.clock,
      emit: scope.emit,
      breaker: {},
      sendTimeoutMs: deps.dispatch.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS,
      from: deps.dispatch.from ?? { email: DEFAULT_FROM_EMAIL, name: organizationName },
      moveTo: async (provider) => {
        const moved = await scope.db
          .updateTable('messages')
          .set({ provider: provider.id })
          .where('organization_id', '=', scope.organizationId)
          .where('id', '=', message.messageId)
          .where('status', '=', 'queued')
          .executeTakeFirst();
        return moved.numUpdatedRows > 0n;
      },
      pace: (provider, n) => providerPace(provider, leaseMs).wait(n),
    },
  );
  const base = {
    channel: message.channel,
    message_id: message.messageId,
    to: message.to,
    provider: outcome.provider.id,
  };
  const result = 'results' in outcome ? outcome.results[0] : undefined;
  if (result !== undefined && result !== 'unknown') {
    if (result.status === 'sent')
      return {
        ...base,
        outcome: 'sent',
        provider_message_id: result.providerMessageId,
        failure: null,
      };
    return {
      ...base,
      outcome: 'failed',
      provider_message_id: null,
      failure: brief(result.failure),
    };
  }
  if ('notSent' in outcome)
    return {
      ...base,
      outcome: 'failed',
      provider_message_id: null,
      failure: outcome.notSent
        ? brief(outcome.notSent)
        : {
            kind: 'transient',
            code: 'PROVIDERS_UNAVAILABLE',
            message: 'no provider is in service',
          },
    };
  // May have reached the provider: left `queued` (outcome unknown), never resent blindly.
  return {
    ...base,
    outcome: 'unknown',
    provider_message_id: null,
    failure: {
      kind: 'transient',
      code: 'OUTCOME_UNKNOWN',
      message: 'the provider call was interrupted; the message may have been sent',
    },
  };
}

const brief = (f: Pick<ProviderFailure, 'kind' | 'code' | 'message'>) => ({
  kind: f.kind,
  code: f.code,
  message: f.message,
});

/**
 * Records the outcomes in one transaction: messages, the invoice's `sent_via` and status,
 * the audit row and the event. Returns the invoice's status and channels afterwards.
 */
async function record(
  scope: Scope,
  invoiceId: string,
  deliveries: readonly InvoiceDelivery[],
): Promise<{ status: string | null; sent_via: string[] }> {
  return inTransaction(scope, async (tx) => {
    const now = tx.clock.now();
    for (const d of deliveries) {
      if (d.outcome !== 'sent' && d.outcome !== 'failed') continue;
      await tx.db
        .updateTable('messages')
        .set({
          status: d.outcome,
          provider: d.provider,
          provider_message_id: d.provider_message_id,
          ...(d.outcome === 'sent' ? { sent_at: now } : {}),
        })
        .where('organization_id', '=', tx.organizationId)
        .where('id', '=', d.message_id)
        .execute();
    }
    const channels = deliveries.filter((d) => d.outcome === 'sent').map((d) => d.channel);
    // Appended once each, in order: `sent_via` is read back as the channels it went out on.
    const after = await tx.db
      .updateTable('zeroinvoice_invoices_cache')
      .set({
        sent_via: sql`sent_via || ARRAY(SELECT u.value FROM jsonb_array_elements_text(${toJson(channels)}::jsonb) WITH ORDINALITY AS u(value, n) WHERE NOT (u.value = ANY (sent_via)) ORDER BY u.n)`,
        status: sql`CASE WHEN status = 'draft' AND ${channels.length > 0} THEN 'sent' ELSE status END`,
        updated_at: channels.length > 0 ? now : sql`updated_at`,
      })
      .where('organization_id', '=', tx.organizationId)
      .where('id', '=', invoiceId)
      .returning(['status', 'sent_via'])
      .executeTakeFirstOrThrow();
    if (deliveries.length > 0) {
      await recordAudit(tx, {
        action: 'invoice.send',
        entity: 'invoice',
        entityId: invoiceId,
        after: { deliveries, status: after.status, sent_via: after.sent_via },
      });
    }
    if (channels.length > 0)
      tx.emit('invoice.sent', {
        organizationId: tx.organizationId,
        invoiceId,
        channels,
        messageIds: deliveries.filter((d) => d.outcome === 'sent').map((d) => d.message_id),
        actor: tx.actor,
      });
    return after;
  });
}
