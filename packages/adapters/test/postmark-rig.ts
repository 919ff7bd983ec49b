/**
 * The Postmark adapter's rig for the shared provider conformance suite: the real SDK against
 * the local Postmark, which fails on demand as Postmark does — 503 for the batch, 429 with
 * `Retry-After: 2`, `ErrorCode` 406 (inactive recipient) for every message of the batch, or
 * an accepted batch (recorded) answered after the adapter's 300 ms timeout.
 */
import type { EmailProvider } from '@greentrack/core';
import { postmark } from '../src/postmark/index.js';
import type { ConformanceTarget } from './conformance-types.js';
import { faultPlan, lateAnswer, RIG_TIMEOUT_MS } from './fault-plan.js';
import { startLocalServer } from './local-server.js';
import { POSTMARK_TEST_TOKEN, postmarkAnswer, postmarkMessageIdsOf } from './postmark-api.js';

export const postmarkTarget: ConformanceTarget<EmailProvider> = {
  name: 'postmark',
  channel: 'email',
  async start() {
    const plan = faultPlan();
    const accepted: string[] = [];
    const server = await startLocalServer(async (request) => {
      switch (plan.current()) {
        case 'transient':
          return { status: 503, body: { ErrorCode: 100, Message: 'Maintenance' } };
        case 'rate_limited':
          return {
            status: 429,
            headers: { 'retry-after': '2' },
            body: { ErrorCode: 429, Message: 'Rate limit exceeded.' },
          };
        case 'permanent': {
          const everyone = new Set(
            (request.json as Array<{ To: string }>).map(
              (m) => /<([^>]*)>$/.exec(m.To)?.[1] ?? m.To,
            ),
          );
          return postmarkAnswer(request, everyone);
        }
        default:
          break;
      }
      const answer = postmarkAnswer(request);
      if (answer.status === 200) {
        const entries = answer.body as Array<{ ErrorCode: number }>;
        postmarkMessageIdsOf(request).forEach((id, k) => {
          if (entries[k]?.ErrorCode === 0) accepted.push(id);
        });
      }
      if (plan.current() === 'accept_then_timeout') await lateAnswer();
      return answer;
    });
    const provider = postmark({
      serverToken: POSTMARK_TEST_TOKEN,
      baseUrl: server.url,
      timeoutMs: RIG_TIMEOUT_MS,
    });
    return {
      provider: plan.delimit(provider),
      failNext: plan.failNext,
      accepted: () => [...accepted],
      close: () => server.close(),
    };
  },
};
