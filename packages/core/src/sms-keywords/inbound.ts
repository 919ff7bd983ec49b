/**
 * The `sms.inbound` webhook handler: a customer's text to one of our numbers. STOP (and its
 * synonyms) unsubscribes the sender from SMS, START subscribes them again, HELP is answered
 * with the organization's HELP text; any other text changes nothing (GreenTrack keeps no
 * inbox: the stored webhook row is the record of it).
 *
 * The sender is matched to the organization's customers by phone (stored E.164, as Twilio
 * sends `From`): every customer with that number changes, since the number is what the
 * keyword stops. Each change goes through the consent service, so it is audited and told as
 * `consent.changed` with the source `sms:keyword:<KEYWORD>`.
 *
 * Ordering: an inbound SMS carries no provider timestamp, so the time of a keyword is when
 * its webhook reached us (`receivedAt`). A keyword changes a customer's status only when no
 * change to it was recorded after that instant: a STOP replayed or reprocessed after a
 * later START (or after a person re-subscribed the customer) does not undo it (decision 159).
 */
import { setCustomerConsent } from '../consent/index.js';
import { normalizePhone } from '../customers/index.js';
import type { WebhookHandler } from '../module.js';
import type { InboundSmsEffect } from '../providers/webhooks.js';
import type { Scope } from '../scope.js';
import { type MatchedKeyword, matchKeyword } from './keywords.js';
import { getSmsKeywordSettings } from './settings.js';

/**
 * The customers of the organization whose phone is the sender's number, locked as the
 * consent service locks one: a concurrent consent change of the same customer waits for
 * this transaction, then sees its result.
 */
async function customersWithPhone(tx: Scope, from: string): Promise<string[]> {
  // Twilio sends E.164 already; parsing keeps a differently written number matching too.
  const phone = normalizePhone(from, null) ?? from.trim();
  const rows = await tx.db
    .selectFrom('customers')
    .select('id')
    .where('organization_id', '=', tx.organizationId)
    .where('phone', '=', phone)
    .orderBy('id')
    .forNoKeyUpdate()
    .execute();
  return rows.map((row) => row.id);
}

/** Applies a STOP or START to every customer with the sender's number. */
async function applyConsentKeyword(
  tx: Scope,
  effect: InboundSmsEffect,
  matched: MatchedKeyword,
  receivedAt: Date,
): Promise<void> {
  const customerIds = await customersWithPhone(tx, effect.from);
  if (customerIds.length === 0) return;
  const newer = await tx.db
    .selectFrom('subscriptions')
    .select('customer_id')
    .where('organization_id', '=', tx.organizationId)
    .where('channel', '=', 'sms')
    .where('customer_id', 'in', customerIds)
    .where('updated_at', '>', receivedAt)
    .execute();
  const skip = new Set(newer.map((row) => row.customer_id));
  const status = matched.action === 'stop' ? 'unsubscribed' : 'subscribed';
  for (const customerId of customerIds) {
    if (skip.has(customerId)) continue;
    await setCustomerConsent(tx, customerId, 'sms', status, {
      source: `sms:keyword:${matched.keyword}`,
    });
  }
}

/**
 * Handles every inbound SMS of one stored webhook, in order; HELP texts give the replies
 * (the Twilio source answers them as TwiML `<Message>`s).
 */
export const applyInboundSms: WebhookHandler<'sms.inbound'> = async (tx, effects, context) => {
  const replies: string[] = [];
  for (const effect of effects) {
    const matched = matchKeyword(effect.body);
    if (matched === null) continue;
    if (matched.action === 'help') {
      replies.push((await getSmsKeywordSettings(tx)).effectiveHelpReply);
    } else {
      await applyConsentKeyword(tx, effect, matched, context.webhook.receivedAt);
    }
  }
  return { replies };
};
