/**
 * What a failed `sendMail` means, in one function per concern:
 *
 * | Nodemailer error                                        | Outcome                                  |
 * | ------------------------------------------------------- | ---------------------------------------- |
 * | `EAUTH` / `ENOAUTH` (credentials)                        | `ProviderError` permanent, not sent      |
 * | 5xx to the session's greeting / EHLO                     | `ProviderError` permanent, not sent      |
 * | 4xx reply (greylisting, 421, 451, 452, rate limits)      | transient failure                        |
 * | 5xx reply to MAIL / RCPT / DATA                          | permanent failure (suppress: see below)  |
 * | refused, DNS, TLS, connect or greeting timeout           | not sent (nothing reached a session)     |
 * | any other loss of the connection, timeout, abort         | unknown                                  |
 *
 * Nodemailer reports a socket timeout as `command: 'CONN'` whatever was in flight, so once
 * a session exists a silent failure cannot be placed before or after the end of DATA; it is
 * `unknown`, the safe side (held for review, never sent twice).
 *
 * Suppression follows the enhanced status code (RFC 3463) when the reply has one: 5.1.x
 * (bad address, bad domain) → `invalid`; 5.2.1 (mailbox disabled) → `bounced`; policy
 * (5.7.x), content and full-mailbox codes suppress nothing — the next message may pass.
 * Without one: 550 (mailbox unavailable) and 551 → `bounced`, 553 (name not allowed) → `invalid`.
 */
import { ProviderError, type ProviderFailure } from '@greentrack/core';
import type { NodemailerError } from 'nodemailer';

/** How one message's send failed. */
export type SmtpOutcome =
  | { type: 'failed'; failure: ProviderFailure }
  | { type: 'not_sent'; error: NodemailerError }
  | { type: 'unknown'; error: NodemailerError }
  | { type: 'fatal'; error: ProviderError };

/** The system errors of a connection that never reached the server. */
const NO_SESSION = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const SESSION_SETUP_COMMANDS = new Set(['CONN', 'EHLO', 'HELO', 'LHLO', 'STARTTLS']);

function suppressFor(responseCode: number, response: string): ProviderFailure['suppress'] {
  const enhanced = /\b5\.(\d{1,3})\.(\d{1,3})\b/.exec(response);
  if (enhanced) {
    if (enhanced[1] === '1') return 'invalid';
    if (enhanced[1] === '2' && enhanced[2] === '1') return 'bounced';
    return undefined;
  }
  if (responseCode === 550 || responseCode === 551) return 'bounced';
  if (responseCode === 553) return 'invalid';
  return undefined;
}

/** Classifies the error one `sendMail` rejected with. */
export function smtpOutcome(error: NodemailerError): SmtpOutcome {
  const text = error.response ?? error.message;
  if (error.code === 'EAUTH' || error.code === 'ENOAUTH') {
    return {
      type: 'fatal',
      error: new ProviderError({
        message: text,
        code: error.code,
        kind: 'permanent',
        outcome: 'not_sent',
        cause: error,
      }),
    };
  }
  const reply = error.responseCode;
  if (reply !== undefined && reply >= 400 && reply < 600) {
    const code = String(reply);
    if (reply < 500) return { type: 'failed', failure: { kind: 'transient', code, message: text } };
    if (SESSION_SETUP_COMMANDS.has(error.command ?? '')) {
      return {
        type: 'fatal',
        error: new ProviderError({
          message: text,
          code,
          kind: 'permanent',
          outcome: 'not_sent',
          cause: error,
        }),
      };
    }
    const suppress = suppressFor(reply, text);
    return {
      type: 'failed',
      failure: { kind: 'permanent', code, message: text, ...(suppress ? { suppress } : {}) },
    };
  }
  const beforeSession =
    NO_SESSION.has(error.originalCode ?? '') ||
    error.code === 'EDNS' ||
    error.code === 'ETLS' ||
    error.timeoutType === 'CONNECT_TIMEOUT' ||
    error.timeoutType === 'GREETING_TIMEOUT' ||
    error.timeoutType === 'UPGRADE_TIMEOUT';
  return beforeSession ? { type: 'not_sent', error } : { type: 'unknown', error };
}
