/**
 * Twilio webhook requests as Twilio sends them, for tests: the form fields of its status
 * callbacks and inbound messages (as its Messaging webhook reference lists them), signed
 * with the SDK's own `getExpectedTwilioSignature` over the URL Twilio posts to.
 */
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { TEST_ACCOUNT_SID } from './conformance-rig.js';

const MESSAGING_SERVICE_SID = `MG${'a'.repeat(32)}`;

/** A new message SID (`SM` + 32 hex digits). */
export function messageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

/** The form of a status callback for a message we sent. */
export function statusCallbackForm(fields: {
  sid: string;
  status: string;
  to: string;
  errorCode?: string;
}): Record<string, string> {
  return {
    AccountSid: TEST_ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    From: '+14155550000',
    MessageSid: fields.sid,
    MessageStatus: fields.status,
    MessagingServiceSid: MESSAGING_SERVICE_SID,
    SmsSid: fields.sid,
    SmsStatus: fields.status,
    To: fields.to,
    ...(fields.errorCode === undefined ? {} : { ErrorCode: fields.errorCode }),
  };
}

/** The form of a message a customer sent to one of our numbers. */
export function inboundForm(fields: {
  from: string;
  body: string;
  to?: string;
  sid?: string;
}): Record<string, string> {
  const sid = fields.sid ?? messageSid();
  return {
    ToCountry: 'US',
    ToState: 'CA',
    SmsMessageSid: sid,
    NumMedia: '0',
    ToCity: 'SAN FRANCISCO',
    FromZip: '94105',
    SmsSid: sid,
    FromState: 'CA',
    SmsStatus: 'received',
    FromCity: 'SAN FRANCISCO',
    Body: fields.body,
    FromCountry: 'US',
    To: fields.to ?? '+14155550000',
    MessagingServiceSid: MESSAGING_SERVICE_SID,
    ToZip: '94105',
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: TEST_ACCOUNT_SID,
    From: fields.from,
    ApiVersion: '2010-04-01',
  };
}

/** The body Twilio posts and the signature it puts in `X-Twilio-Signature`. */
export function signTwilio(
  authToken: string,
  url: string,
  form: Record<string, string>,
): { body: string; signature: string } {
  return {
    body: new URLSearchParams(form).toString(),
    signature: twilio.getExpectedTwilioSignature(authToken, url, form),
  };
}

/**
 * A signed Twilio POST as a Web `Request` (what a host hands `gt.handler`): sent to `url`,
 * signed over `signedUrl` (the public URL Twilio was given; default `url`).
 */
export function twilioRequest(
  authToken: string,
  url: string,
  form: Record<string, string>,
  options: { signedUrl?: string } = {},
): Request {
  const { body, signature } = signTwilio(authToken, options.signedUrl ?? url, form);
  return new Request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'x-twilio-signature': signature,
      'user-agent': 'TwilioProxy/1.1',
    },
    body,
  });
}
