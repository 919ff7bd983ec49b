import type { SendContext } from '@greentrack/core';
import { ServerClient } from 'postmark';

/** Options of {@link postmark}: a configured SDK client, or what to build one from. */
export interface PostmarkOptions {
  /**
   * A configured `postmark` `ServerClient`. The adapter wraps its `fetch` (keeping any you
   * set) to honour each call's abort signal and to read `Retry-After`.
   */
  client?: ServerClient;
  /** The server's API token (`X-Postmark-Server-Token`). Required unless `client` is given. */
  serverToken?: string;
  /**
   * API origin (a local server in tests). Only used when the adapter builds the client.
   * @default 'https://api.postmarkapp.com'
   */
  baseUrl?: string;
  /**
   * Longest one batch request may take; after it the batch's outcome is unknown. Only used
   * when the adapter builds the client.
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * The message stream: campaigns must go through a broadcast stream, one-off sends through a
   * transactional one. A function picks per call.
   * @default campaign batches (`context.campaignId` set) `'broadcast'`, others `'outbound'`
   * @example messageStream: (context) => (context.campaignId ? 'newsletters' : 'outbound')
   */
  messageStream?: string | ((context: SendContext) => string);
  /**
   * Messages per `/email/batch` request (`capabilities.maxBatch`); Postmark takes 500 at most.
   * @default 500
   */
  maxBatch?: number;
  /**
   * The dispatcher's send rate (`capabilities.ratePerSecond`), messages per second.
   * @default 500
   */
  ratePerSecond?: number;
  /**
   * Name recorded in `messages.provider`.
   * @default 'postmark'
   */
  id?: string;
}

/** The batch endpoint's limit. */
export const POSTMARK_MAX_BATCH = 500;

/** The caller's client, or one built from `serverToken`/`baseUrl`/`timeoutMs`. */
export function postmarkClient(options: PostmarkOptions): ServerClient {
  if (options.client !== undefined) return options.client;
  if (options.serverToken === undefined || options.serverToken.trim() === '') {
    throw new TypeError('postmark(): pass a configured `client` or a `serverToken`.');
  }
  const origin = new URL(options.baseUrl ?? 'https://api.postmarkapp.com');
  return new ServerClient(options.serverToken, {
    useHttps: origin.protocol === 'https:',
    requestHost: origin.host,
    // The SDK counts seconds.
    timeout: (options.timeoutMs ?? 30_000) / 1000,
  });
}

/** The stream of one call. */
export function streamFor(options: PostmarkOptions, context: SendContext): string {
  const { messageStream } = options;
  if (typeof messageStream === 'function') return messageStream(context);
  return messageStream ?? (context.campaignId === undefined ? 'outbound' : 'broadcast');
}
