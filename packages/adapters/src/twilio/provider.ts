/**
 * `twilioSms()`: GreenTrack's `SmsProvider` over Twilio's Messages API
 * (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`) through the official SDK.
 */
import {
  GreenTrackError,
  ProviderError,
  type SendContext,
  type SendResult,
  type SmsMessage,
  type SmsProvider,
} from '@greentrack/core';
import twilio from 'twilio';
import { TwilioErrorCode } from './error-codes.js';
import { twilioFailure } from './errors.js';
import { HeaderRecordingClient, withResponseHeaders } from './http-client.js';

/** Where messages go from, and how fast. Shared by both ways of configuring the adapter. */
interface TwilioSendingOptions {
  /**
   * The Messaging Service that picks the sender (`MG…`). Either this or `from` is required;
   * with both, `from` picks a sender of the service's pool.
   */
  messagingServiceSid?: string;
  /** The sender: a Twilio number in E.164, a short code or an alphanumeric id. A message's own `from` wins. */
  from?: string;
  /**
   * Where Twilio posts delivery receipts when the message names no `statusCallbackUrl`.
   * Our message id is added to it as the `gt_message_id` query parameter (Twilio has no
   * metadata field), so a receipt maps back even before the SID is recorded.
   * @example 'https://app.example.com/api/greentrack/webhooks/twilio'
   */
  statusCallback?: string;
  /**
   * Messages per second the account may send: a US long code does 1, toll-free 3, a short
   * code 100; a Messaging Service as many as its senders. The dispatcher paces sends by it.
   * @default 1
   */
  ratePerSecond?: number;
  /**
   * Recorded in `messages.provider`.
   * @default 'twilio'
   */
  id?: string;
}

/** Credentials: the adapter builds and owns the Twilio client. */
export interface TwilioCredentialsOptions extends TwilioSendingOptions {
  /** `AC…` */
  accountSid: string;
  /** The account's auth token (or an API key's secret, with `apiKeySid`). */
  authToken: string;
  /** An API key (`SK…`) to authenticate with instead of the account SID; `authToken` is then its secret. */
  apiKeySid?: string;
  /** Twilio region (`ie1`, `au1`, …) and edge (`dublin`, `sydney`, …). */
  region?: string;
  edge?: string;
  /**
   * How long one request may take. A timed-out request may have created the message, so its
   * outcome is `unknown`.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Another origin than `https://api.twilio.com` with the same API: a proxy, or a local
   * server in tests.
   */
  apiOrigin?: string;
}

/**
 * A Twilio client the caller configured and owns. Its 429 answers carry no `Retry-After`
 * to the adapter (the SDK drops response headers from its errors); core then backs off on
 * its own schedule.
 */
export interface TwilioClientOptions extends TwilioSendingOptions {
  client: twilio.Twilio;
}

/** Options of {@link twilioSms}. */
export type TwilioSmsOptions = TwilioCredentialsOptions | TwilioClientOptions;

function configError(message: string): GreenTrackError {
  return new GreenTrackError({ code: TwilioErrorCode.TWILIO_CONFIG_INVALID, message });
}

function buildClient(options: TwilioSmsOptions): twilio.Twilio {
  if ('client' in options) return options.client;
  if (!options.accountSid || !options.authToken) {
    throw configError('twilioSms needs `client`, or `accountSid` and `authToken`.');
  }
  const httpClient = new HeaderRecordingClient({
    timeoutMs: options.timeoutMs ?? 10_000,
    origin: options.apiOrigin,
  });
  return twilio(options.apiKeySid ?? options.accountSid, options.authToken, {
    accountSid: options.accountSid,
    httpClient,
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.edge === undefined ? {} : { edge: options.edge }),
  });
}

/** The status callback with our message id in its query. */
function statusCallbackFor(url: string | undefined, messageId: string): string | undefined {
  if (url === undefined) return undefined;
  const withId = new URL(url);
  withId.searchParams.set('gt_message_id', messageId);
  return withId.toString();
}

/** Settles with the call, or rejects with an unknown outcome once `signal` aborts. */
function untilAborted<T>(call: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return call;
  const aborted = () =>
    new ProviderError({
      message: 'The send was aborted before Twilio answered.',
      code: 'TWILIO_ABORTED',
      kind: 'transient',
      outcome: 'unknown',
    });
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    call.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * An `SmsProvider` that sends through Twilio. Capabilities: `maxBatch: 1` (Twilio creates
 * one message per request), `idempotent: false` (Twilio does not deduplicate creates, so a
 * send whose outcome is unknown is held, never resent blindly), `ratePerSecond` as
 * configured. `providerMessageId` is the message's SID (`SM…`).
 *
 * @example
 * import { twilioSms } from '@greentrack/adapters/twilio';
 * const sms = twilioSms({
 *   accountSid: process.env.TWILIO_ACCOUNT_SID!,
 *   authToken: process.env.TWILIO_AUTH_TOKEN!,
 *   messagingServiceSid: 'MG…',
 *   statusCallback: 'https://app.example.com/api/greentrack/webhooks/twilio',
 *   ratePerSecond: 10,
 * });
 * const gt = await createGreenTrack({ providers: { sms }, … });
 */
export function twilioSms(options: TwilioSmsOptions): SmsProvider {
  if (!options.messagingServiceSid && !options.from) {
    throw configError('twilioSms needs `messagingServiceSid` or `from`.');
  }
  const ratePerSecond = options.ratePerSecond ?? 1;
  if (!(ratePerSecond > 0)) throw configError('`ratePerSecond` must be above 0.');
  const client = buildClient(options);

  async function sendOne(message: SmsMessage, context: SendContext): Promise<SendResult> {
    const from = message.from ?? options.from;
    const statusCallback = statusCallbackFor(
      message.statusCallbackUrl ?? options.statusCallback,
      message.messageId,
    );
    const { outcome, headers } = await withResponseHeaders(() =>
      untilAborted(
        client.messages.create({
          to: message.to,
          body: message.body,
          ...(options.messagingServiceSid
            ? { messagingServiceSid: options.messagingServiceSid }
            : {}),
          ...(from ? { from } : {}),
          ...(statusCallback ? { statusCallback } : {}),
        }),
        context.signal,
      ),
    );
    if (outcome.status === 'fulfilled') {
      return { messageId: message.messageId, status: 'sent', providerMessageId: outcome.value.sid };
    }
    if (outcome.reason instanceof ProviderError) throw outcome.reason;
    const failure = twilioFailure(outcome.reason, headers, new Date());
    if (failure instanceof ProviderError) throw failure;
    return { messageId: message.messageId, status: 'failed', failure };
  }

  return {
    id: options.id ?? 'twilio',
    channel: 'sms',
    capabilities: { maxBatch: 1, idempotent: false, ratePerSecond },
    async send(messages, context) {
      const results: SendResult[] = [];
      // The dispatcher sends one at a time (maxBatch 1); a longer list is sent in order.
      for (const message of messages) {
        try {
          results.push(await sendOne(message, context));
        } catch (error) {
          // Thrown for the whole call, a "not sent" would also cover the ones already sent.
          if (
            results.length === 0 ||
            !(error instanceof ProviderError) ||
            error.outcome !== 'not_sent'
          ) {
            throw error;
          }
          const failure = {
            kind: error.kind,
            code: error.code,
            message: error.message,
            ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
          };
          for (const rest of messages.slice(results.length)) {
            results.push({ messageId: rest.messageId, status: 'failed', failure });
          }
          break;
        }
      }
      return results;
    },
  };
}
