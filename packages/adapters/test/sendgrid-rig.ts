/**
 * The SendGrid adapter's rig for the shared provider conformance suite: the real SDK against
 * the local SendGrid, which fails on demand as SendGrid does — 503 with its error body, 429
 * with `Retry-After: 2`, 400 "Does not contain a valid address." on the recipient, or an
 * accepted request (recorded) answered after the adapter's 300 ms timeout.
 * `concurrency: 1`: the rig's per-request timeout must be short (300 ms) for
 * accept_then_timeout, and with 16 requests in flight on a loaded machine one of the
 * full batch's 100 now and then overran it (its outcome then honestly unknown, so the
 * check failed).
 */
import type { EmailProvider } from '@greentrack/core';
import { sendgrid } from '../src/sendgrid/index.js';
import { RIG_TIMEOUT_MS, startRig } from './fault-plan.js';
import type { ConformanceTarget } from './provider-conformance.js';
import {
  SENDGRID_TEST_KEY,
  sendgridAnswer,
  sendgridErrors,
  sendgridMessageIdOf,
} from './sendgrid-api.js';

const FAULTY = {
  transient: { status: 503, body: sendgridErrors({ message: 'service unavailable' }) },
  rate_limited: {
    status: 429,
    headers: { 'retry-after': '2' },
    body: sendgridErrors({ message: 'too many requests' }),
  },
  permanent: {
    status: 400,
    body: sendgridErrors({
      message: 'Does not contain a valid address.',
      field: 'personalizations.0.to.0.email',
    }),
  },
};

export const sendgridTarget: ConformanceTarget<EmailProvider> = {
  name: 'sendgrid',
  channel: 'email',
  start: () =>
    startRig({
      faulty: (fault) => FAULTY[fault],
      answer: sendgridAnswer,
      acceptedBy: (request, response) =>
        response.status < 300 ? [sendgridMessageIdOf(request) ?? ''] : [],
      provider: (url) =>
        sendgrid({
          apiKey: SENDGRID_TEST_KEY,
          baseUrl: url,
          timeoutMs: RIG_TIMEOUT_MS,
          concurrency: 1,
        }),
    }),
};
