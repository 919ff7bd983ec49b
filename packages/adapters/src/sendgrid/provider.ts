import type { EmailMessage, EmailProvider, SendContext } from '@greentrack/core';
import type { MailService } from '@sendgrid/mail';
import pLimit from 'p-limit';
import { abortable } from '../internal/abortable.js';
import { classifySendGridError, type RequestOutcome } from './errors.js';
import { toMailData } from './mail-data.js';
import { type SendGridOptions, sendgridService } from './options.js';
import { settleBatch } from './settle.js';

function headerValue(headers: unknown, name: string): string | null {
  const value = (headers as Record<string, unknown> | null)?.[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** A message the batch did not try after `cause`: transient, whatever the cause. */
function notAttempted(cause: {
  code: string;
  message: string;
  retryAfterMs?: number;
}): RequestOutcome {
  return {
    status: 'failed',
    scope: 'call',
    failure: {
      kind: 'transient',
      code: cause.code,
      message: `not sent: ${cause.message}`,
      ...(cause.retryAfterMs === undefined ? {} : { retryAfterMs: cause.retryAfterMs }),
    },
  };
}

/** One message, one `/v3/mail/send` request. */
async function sendOne(
  service: MailService,
  message: EmailMessage,
  context: SendContext,
  sandboxMode: boolean,
): Promise<RequestOutcome> {
  try {
    const [response] = await abortable(
      service.send(toMailData(message, context, sandboxMode)),
      context.signal,
    );
    // 202 Accepted carries the id; sandbox mode answers 200 without one.
    return { status: 'sent', providerMessageId: headerValue(response.headers, 'x-message-id') };
  } catch (error) {
    return classifySendGridError(error, context.signal, new Date());
  }
}

/**
 * Email through SendGrid's v3 Mail Send API, with the official `@sendgrid/mail` SDK.
 *
 * Each message is its own request (decision 111): messages are rendered per recipient, and
 * SendGrid gives one `X-Message-Id` per request, which `messages.provider_message_id` must
 * hold per message. Up to `concurrency` requests run at once; after a failure that every
 * request would meet (401/403, 429, 503, connection refused) the batch starts no more.
 *
 * Results: 2xx → `sent` with `X-Message-Id`; 429 → `transient` with the wait from
 * `Retry-After` (or `X-RateLimit-Reset`); other 4xx → `permanent` with SendGrid's
 * `errors[].message` (an invalid recipient address also `suppress: 'invalid'`); 503 →
 * `transient`. A batch that failed as a whole throws `ProviderError` (`not_sent`); a
 * request whose answer never came (timeout, reset) or was a 500/502/504 has an unknown outcome.
 *
 * Capabilities: `maxBatch` 100 (`maxBatch`), `idempotent: false` (SendGrid has no
 * idempotency key: an interrupted message is held, never resent blindly), `ratePerSecond`
 * 100 (`ratePerSecond`).
 *
 * @example
 * import { sendgrid } from '@greentrack/adapters/sendgrid';
 * const gt = await createGreenTrack({
 *   providers: { email: sendgrid({ apiKey: process.env.SENDGRID_API_KEY }) },
 *   // …
 * });
 */
export function sendgrid(options: SendGridOptions): EmailProvider {
  const service = sendgridService(options);
  const sandboxMode = options.sandboxMode ?? false;
  const concurrency = options.concurrency ?? 16;
  return {
    id: options.id ?? 'sendgrid',
    channel: 'email',
    capabilities: {
      maxBatch: options.maxBatch ?? 100,
      idempotent: false,
      ratePerSecond: options.ratePerSecond ?? 100,
    },
    async send(messages, context) {
      const limit = pLimit(concurrency);
      // Set by the first batch-wide failure: later requests would meet it too.
      let stopped: Extract<RequestOutcome, { status: 'failed' }> | undefined;
      const outcomes = await Promise.all(
        messages.map((message) =>
          limit(async (): Promise<RequestOutcome> => {
            // Never tried, so never a permanent failure: retried once the cause is gone.
            if (stopped !== undefined) return notAttempted(stopped.failure);
            if (context.signal?.aborted) {
              return notAttempted({ code: 'ABORTED', message: 'the call was aborted' });
            }
            const outcome = await sendOne(service, message, context, sandboxMode);
            if (outcome.status === 'failed' && outcome.scope === 'call') stopped ??= outcome;
            return outcome;
          }),
        ),
      );
      return settleBatch(
        messages.map((m) => m.messageId),
        outcomes,
      );
    },
  };
}
