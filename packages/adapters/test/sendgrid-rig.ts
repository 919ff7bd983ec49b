/**
 * The SendGrid adapter's rig for the shared provider conformance suite: the real SDK against
 * the local SendGrid, which fails on demand as SendGrid does — 503 with its error body, 429
 * with `Retry-After: 2`, 400 "Does not contain a valid address." on the recipient, or an
 * accepted request (recorded) answered after the adapter's 300 ms timeout.
 *
 * `concurrency: 1`: the suite checks that `accepted()` lists our ids in the order given, and
 * concurrent requests may reach the server in any order.
 */
import type { EmailProvider } from '@greentrack/core';
import { sendgrid } from '../src/sendgrid/index.js';
import type { ConformanceTarget } from './conformance-types.js';
import { faultPlan, lateAnswer, RIG_TIMEOUT_MS } from './fault-plan.js';
import { startLocalServer } from './local-server.js';
import {
  SENDGRID_TEST_KEY,
  sendgridAnswer,
  sendgridErrors,
  sendgridMessageIdOf,
} from './sendgrid-api.js';

export const sendgridTarget: ConformanceTarget<EmailProvider> = {
  name: 'sendgrid',
  channel: 'email',
  async start() {
    const plan = faultPlan();
    const accepted: string[] = [];
    const server = await startLocalServer(async (request) => {
      switch (plan.current()) {
        case 'transient':
          return { status: 503, body: sendgridErrors({ message: 'service unavailable' }) };
        case 'rate_limited':
          return {
            status: 429,
            headers: { 'retry-after': '2' },
            body: sendgridErrors({ message: 'too many requests' }),
          };
        case 'permanent':
          return {
            status: 400,
            body: sendgridErrors({
              message: 'Does not contain a valid address.',
              field: 'personalizations.0.to.0.email',
            }),
          };
        default:
          break;
      }
      const answer = sendgridAnswer(request);
      if (answer.status < 300) accepted.push(sendgridMessageIdOf(request) ?? '');
      if (plan.current() === 'accept_then_timeout') await lateAnswer();
      return answer;
    });
    const provider = sendgrid({
      apiKey: SENDGRID_TEST_KEY,
      baseUrl: server.url,
      timeoutMs: RIG_TIMEOUT_MS,
      concurrency: 1,
    });
    return {
      provider: plan.delimit(provider),
      failNext: plan.failNext,
      accepted: () => [...accepted],
      close: () => server.close(),
    };
  },
};
