import { type EmailProvider, ProviderError, type SendResult } from '@greentrack/core';
import type { Models } from 'postmark';
import { type CallSlot, instrumentClient } from './call-context.js';
import { batchError, messageFailure } from './errors.js';
import { toPostmarkMessage } from './message.js';
import { POSTMARK_MAX_BATCH, type PostmarkOptions, postmarkClient, streamFor } from './options.js';

/** One entry of the batch answer, as our result. */
function resultOf(messageId: string, answer: Models.MessageSendingResponse): SendResult {
  if (answer.ErrorCode === 0 && answer.MessageID) {
    return { messageId, status: 'sent', providerMessageId: answer.MessageID };
  }
  return { messageId, status: 'failed', failure: messageFailure(answer.ErrorCode, answer.Message) };
}

/**
 * Email through Postmark's batch endpoint (`POST /email/batch`, up to 500 messages), with
 * the official `postmark` SDK.
 *
 * Each message carries our ids in `Metadata`, goes through the broadcast stream when it is
 * part of a campaign (`messageStream`), and gets its own result from the batch answer:
 * `ErrorCode` 0 → `sent` with Postmark's `MessageID`; 406 (inactive recipient) →
 * `permanent` with `suppress: 'bounced'`; 300 naming the `To` address → `permanent` with
 * `suppress: 'invalid'`; 100/405/429 → `transient`; any other → `permanent`. A call that
 * failed as a whole throws `ProviderError`: 401/422 permanent, 429/503 transient (not
 * sent, `Retry-After` honoured), 500 or no answer after the request left → outcome unknown.
 *
 * Capabilities: `maxBatch` 500 (`maxBatch`), `idempotent: false` (Postmark has no
 * idempotency key), `ratePerSecond` 500 (`ratePerSecond`).
 *
 * @example
 * import { postmark } from '@greentrack/adapters/postmark';
 * const email = postmark({ serverToken: process.env.POSTMARK_SERVER_TOKEN });
 */
export function postmark(options: PostmarkOptions): EmailProvider {
  const maxBatch = options.maxBatch ?? POSTMARK_MAX_BATCH;
  if (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > POSTMARK_MAX_BATCH) {
    throw new RangeError(`postmark(): maxBatch must be 1 to ${POSTMARK_MAX_BATCH}.`);
  }
  const client = postmarkClient(options);
  const run = instrumentClient(client);
  return {
    id: options.id ?? 'postmark',
    channel: 'email',
    capabilities: { maxBatch, idempotent: false, ratePerSecond: options.ratePerSecond ?? 500 },
    async send(messages, context) {
      if (messages.length === 0) return [];
      if (messages.length > maxBatch) {
        // Postmark would refuse the batch whole (422, ErrorCode 410); say so without a request.
        throw new ProviderError({
          kind: 'permanent',
          outcome: 'not_sent',
          code: 'BATCH_TOO_LARGE',
          message: `postmark: ${messages.length} messages in one call, at most ${maxBatch}`,
        });
      }
      const stream = streamFor(options, context);
      const slot: CallSlot = { signal: context.signal };
      let answers: Models.MessageSendingResponse[];
      try {
        answers = await run(slot, () =>
          client.sendEmailBatch(messages.map((m) => toPostmarkMessage(m, context, stream))),
        );
      } catch (error) {
        throw batchError(error, slot, new Date());
      }
      // The answer lists the messages in the order sent. A message it does not cover has an
      // unknown outcome, and is left out (the dispatcher counts it as unknown).
      return messages.flatMap((message, k) => {
        const answer = Array.isArray(answers) ? answers[k] : undefined;
        return answer === undefined ? [] : [resultOf(message.messageId, answer)];
      });
    },
  };
}
