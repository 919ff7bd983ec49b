/**
 * A test of a campaign, sent to one address: the campaign's template rendered for a chosen
 * customer (or the sample customer), sent through the provider of the campaign's channel.
 *
 * A test is not a message of the campaign: no run, no audience row, no `messages` row, so
 * it never counts in a run's stats, a conversion can never be credited to it, and the
 * exactly-once ledger never sees it. What it leaves is one `campaign.test` audit row (who
 * sent what to which address, and the provider's answer) and, with the outbox provider,
 * the outbox row. Links are the preview placeholders: a click in a test cannot unsubscribe
 * the customer it was rendered for.
 */
import { randomUUID } from 'node:crypto';
import { TimeoutStrategy, timeout } from 'cockatiel';
import { recordAudit } from '../audit/index.js';
import { normalizeEmail, normalizePhone } from '../customers/index.js';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import type {
  MessagingProviders,
  ProviderFailure,
  SendContext,
  SendResult,
} from '../providers/messaging.js';
import { ProviderError } from '../providers/messaging.js';
import { inTransaction, type Scope } from '../scope.js';
import { type RenderedTemplate, renderTemplateForTest } from '../templates/index.js';
import { parseInput } from '../validation.js';
import { CampaignErrorCode } from './error-codes.js';
import { type CampaignTest, campaignTestSchema } from './schema.js';
import { findCampaignRow } from './service.js';

/** What a test send reports. */
export interface CampaignTestResult {
  /** Our id of the test, as the provider got it (no `messages` row has it). */
  message_id: string;
  channel: 'email' | 'sms';
  /** The address as sent to: a trimmed email, or E.164. */
  to: string;
  provider: string;
  provider_message_id: string | null;
  /** The customer it was rendered for; `null` for the sample customer. */
  customer_id: string | null;
  /** The subject as sent (email), `null` for SMS. */
  subject: string | null;
}

/** A test's subject says it is one, so a reviewer's inbox never mistakes it for the campaign. */
const TEST_SUBJECT_PREFIX = '[Test] ';

/** The sender of a test: the dispatcher's default, named after the organization. */
const TEST_FROM_EMAIL = 'no-reply@greentrack.invalid';

/** Longest a provider call may take before the test is reported as failed. */
const SEND_TIMEOUT_MS = 30_000;

/** `to`, normalized for the channel. @throws `VALIDATION_FAILED` on `to` */
function recipient(channel: 'email' | 'sms', to: string): string {
  // E.164 only: a national number has no country to be read in (the address is no customer's).
  const normalized =
    channel === 'email' ? normalizeEmail(to) : to.startsWith('+') ? normalizePhone(to, null) : null;
  if (normalized !== null) return normalized;
  const message =
    channel === 'email' ? 'not a valid email address' : 'not a valid E.164 phone number';
  throw new GreenTrackError({
    code: CommonErrorCode.VALIDATION_FAILED,
    message: `Invalid test: to: ${message}`,
    details: { issues: [{ path: 'to', message }] },
  });
}

/** The provider's answer as a failure, or `null` when it was sent. */
function failureOf(result: SendResult | undefined): ProviderFailure | null {
  if (result === undefined)
    return { kind: 'transient', code: 'NO_RESULT', message: 'the provider gave no result' };
  return result.status === 'sent' ? null : result.failure;
}

/** One provider call under a timeout; a thrown error becomes a failure. */
async function sendOne(
  providers: MessagingProviders,
  channel: 'email' | 'sms',
  message: { id: string; to: string; rendered: RenderedTemplate; organizationName: string },
  context: Omit<SendContext, 'signal'>,
): Promise<SendResult | ProviderFailure> {
  const policy = timeout(SEND_TIMEOUT_MS, TimeoutStrategy.Cooperative);
  const { rendered } = message;
  try {
    const [result] = await policy.execute(({ signal }) =>
      channel === 'email' && rendered.channel === 'email'
        ? providers.email.send(
            [
              {
                messageId: message.id,
                to: { email: message.to },
                from: { email: TEST_FROM_EMAIL, name: message.organizationName },
                subject: `${TEST_SUBJECT_PREFIX}${rendered.subject}`,
                html: rendered.html,
                text: rendered.text,
                headers: {},
              },
            ],
            { ...context, signal },
          )
        : providers.sms.send(
            [{ messageId: message.id, to: message.to, body: rendered.text, headers: {} }],
            { ...context, signal },
          ),
    );
    return failureOf(result) ?? (result as SendResult);
  } catch (error) {
    if (error instanceof ProviderError)
      return {
        kind: error.kind,
        code: error.code,
        message: error.message,
        ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      };
    // cockatiel's TaskCancelledError, or an error the adapter did not classify.
    return {
      kind: 'transient',
      code: 'PROVIDER_UNAVAILABLE',
      message: 'the provider call failed or timed out',
    };
  }
}

/**
 * Sends a test of the campaign to `to`. Everything that can be refused is checked before
 * the provider is called (the campaign and its template, the address for the channel, the
 * customer, rendering), so a 4xx never sends anything.
 * @throws `CAMPAIGN_NOT_FOUND`, `CAMPAIGN_INCOMPLETE` (no template), `VALIDATION_FAILED`
 * (`to` not an email / E.164 number), `CUSTOMER_NOT_FOUND`, `TEMPLATE_RENDER_FAILED`,
 * `CAMPAIGN_TEST_FAILED` (the provider refused or failed; `details.failure` says how)
 */
export async function sendCampaignTest(
  scope: Scope,
  providers: MessagingProviders,
  campaignId: string,
  input: CampaignTest,
): Promise<CampaignTestResult> {
  const parsed = parseInput(campaignTestSchema, input, { what: 'test' });
  const campaign = await findCampaignRow(scope, campaignId);
  if (campaign.template_id === null) {
    throw new GreenTrackError({
      code: CampaignErrorCode.CAMPAIGN_INCOMPLETE,
      message: 'A campaign needs a template before a test can be sent',
      details: { missing: ['template_id'] },
    });
  }
  const to = recipient(campaign.channel, parsed.to);
  const rendered = await renderTemplateForTest(scope, campaign.template_id, parsed.customerId);
  const organization = await scope.db
    .selectFrom('organizations')
    .select('name')
    .where('id', '=', scope.organizationId)
    .executeTakeFirstOrThrow();

  const id = randomUUID();
  const provider = providers[campaign.channel];
  const answer = await sendOne(
    providers,
    campaign.channel,
    { id, to, rendered, organizationName: organization.name },
    { organizationId: scope.organizationId, campaignId: campaign.id },
  );
  const sent = 'status' in answer && answer.status === 'sent' ? answer : null;
  const result: CampaignTestResult = {
    message_id: id,
    channel: campaign.channel,
    to,
    provider: provider.id,
    provider_message_id: sent?.providerMessageId ?? null,
    customer_id: parsed.customerId ?? null,
    subject: rendered.channel === 'email' ? `${TEST_SUBJECT_PREFIX}${rendered.subject}` : null,
  };
  // After the call, whatever its outcome: the attempt happened and cannot be rolled back.
  const failure = sent ? null : (answer as ProviderFailure);
  await inTransaction(scope, (tx) =>
    recordAudit(tx, {
      action: 'campaign.test',
      entity: 'campaign',
      entityId: campaign.id,
      after: { ...result, status: sent ? 'sent' : 'failed', failure },
    }),
  );
  if (failure) {
    throw new GreenTrackError({
      code: CampaignErrorCode.CAMPAIGN_TEST_FAILED,
      message: `The ${provider.id} provider did not send the test: ${failure.code}: ${failure.message}`,
      details: {
        failure: {
          kind: failure.kind,
          code: failure.code,
          message: failure.message,
          ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
        },
      },
    });
  }
  return result;
}
