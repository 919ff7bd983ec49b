/**
 * Twilio's Messages API as a local server, and the adapter pointed at it: the rig of the
 * shared provider conformance suite (`test/provider-conformance.ts`), also used by this
 * adapter's own tests. Answers are shaped as in Twilio's API reference: the Message
 * resource with 201, error objects `{ code, message, more_info, status }`.
 */
import { randomBytes } from 'node:crypto';
import type { SmsProvider } from '@greentrack/core';
import {
  type LocalServer,
  type RecordedRequest,
  startLocalServer,
} from '../../test/local-server.js';
import type { ConformanceTarget, Fault } from '../../test/provider-conformance.js';
import { type TwilioCredentialsOptions, twilioSms } from './provider.js';

export const TEST_ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const TEST_AUTH_TOKEN = 'test-auth-token';
/** The adapter's per-request timeout in the rig: `accept_then_timeout` answers after it. */
const TIMEOUT_MS = 400;

/** Twilio's error object, as its API answers it. */
export function twilioError(status: number, code: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** The Message resource Twilio answers a create with (status `queued`). */
function messageResource(form: URLSearchParams, sid: string) {
  const now = new Date().toUTCString().replace('GMT', '+0000');
  return {
    account_sid: TEST_ACCOUNT_SID,
    api_version: '2010-04-01',
    body: form.get('Body'),
    date_created: now,
    date_sent: null,
    date_updated: now,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: form.get('From'),
    messaging_service_sid: form.get('MessagingServiceSid'),
    num_media: '0',
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid,
    status: 'queued',
    subresource_uris: {
      media: `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Messages/${sid}/Media.json`,
    },
    to: form.get('To'),
    uri: `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Messages/${sid}.json`,
  };
}

const FAULTS: Record<
  Exclude<Fault, 'accept_then_timeout'>,
  () => { status: number; headers?: Record<string, string>; body: object }
> = {
  transient: () => ({ status: 503, body: twilioError(503, 20503, 'Service Unavailable') }),
  rate_limited: () => ({
    status: 429,
    headers: { 'retry-after': '2' },
    body: twilioError(429, 20429, 'Too Many Requests'),
  }),
  permanent: () => ({
    status: 400,
    body: twilioError(400, 21211, "The 'To' number +15005550001 is not a valid phone number."),
  }),
};

/** The rig, plus the recording server behind it for wire-format assertions. */
export interface TwilioRig {
  provider: SmsProvider;
  server: LocalServer;
  /** SIDs handed out, by our message id (from the status callback's `gt_message_id`). */
  sids: Map<string, string>;
  /** When each create reached the server (ms since the epoch), in order. */
  receivedAt: number[];
  failNext(fault: Fault, count?: number): void;
  accepted(): string[];
  close(): Promise<void>;
}

/** Our message id of a recorded create, carried in its status callback URL. */
export function messageIdOf(request: RecordedRequest): string | null {
  const callback = request.form?.get('StatusCallback');
  return callback ? new URL(callback).searchParams.get('gt_message_id') : null;
}

/** Starts the local Twilio and an adapter pointed at it. */
export async function startTwilioRig(
  options: Partial<TwilioCredentialsOptions> = {},
): Promise<TwilioRig> {
  const faults: Fault[] = [];
  const accepted: string[] = [];
  const sids = new Map<string, string>();
  const receivedAt: number[] = [];
  const server = await startLocalServer(async (request) => {
    receivedAt.push(Date.now());
    const fault = faults.shift();
    if (fault !== undefined && fault !== 'accept_then_timeout') return FAULTS[fault]();
    const form = request.form ?? new URLSearchParams();
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const messageId = messageIdOf(request);
    if (messageId) {
      accepted.push(messageId);
      sids.set(messageId, sid);
    }
    if (fault === 'accept_then_timeout') {
      await new Promise((done) => setTimeout(done, TIMEOUT_MS * 3));
    }
    return { status: 201, body: messageResource(form, sid) };
  });
  const provider = twilioSms({
    accountSid: TEST_ACCOUNT_SID,
    authToken: TEST_AUTH_TOKEN,
    messagingServiceSid: `MG${'a'.repeat(32)}`,
    statusCallback: 'https://app.example.com/api/greentrack/webhooks/twilio',
    apiOrigin: server.url,
    timeoutMs: TIMEOUT_MS,
    ratePerSecond: 100,
    ...options,
  });
  return {
    provider,
    server,
    sids,
    receivedAt,
    failNext: (fault, count = 1) => {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    accepted: () => [...accepted],
    close: () => server.close(),
  };
}

/** The adapter as a target of the shared conformance suite. */
export const twilioConformanceTarget: ConformanceTarget<SmsProvider> = {
  name: 'twilio',
  channel: 'sms',
  start: () => startTwilioRig(),
};
