/**
 * The Postmark adapter's rig for the shared provider conformance suite: the real SDK against
 * the local Postmark, which fails on demand as Postmark does — 503 for the batch, 429 with
 * `Retry-After: 2`, `ErrorCode` 406 (inactive recipient) for every message of the batch, or
 * an accepted batch (recorded) answered after the adapter's 300 ms timeout.
 */
import type { EmailProvider } from '@greentrack/core';
import { postmark } from '../src/postmark/index.js';
import { RIG_TIMEOUT_MS, startRig } from './fault-plan.js';
import type { RecordedRequest } from './local-server.js';
import { POSTMARK_TEST_TOKEN, postmarkAnswer, postmarkMessageIdsOf } from './postmark-api.js';
import type { ConformanceTarget } from './provider-conformance.js';

/** Every recipient of the batch, as Postmark's inactive list. */
function everyone(request: RecordedRequest): Set<string> {
  const batch = request.json as Array<{ To: string }>;
  return new Set(batch.map((m) => /<([^>]*)>$/.exec(m.To)?.[1] ?? m.To));
}

export const postmarkTarget: ConformanceTarget<EmailProvider> = {
  name: 'postmark',
  channel: 'email',
  start: () =>
    startRig({
      faulty: (fault, request) => {
        if (fault === 'permanent') return postmarkAnswer(request, everyone(request));
        return fault === 'transient'
          ? { status: 503, body: { ErrorCode: 100, Message: 'Maintenance' } }
          : {
              status: 429,
              headers: { 'retry-after': '2' },
              body: { ErrorCode: 429, Message: 'Rate limit exceeded.' },
            };
      },
      answer: (request) => postmarkAnswer(request),
      acceptedBy: (request, response) => {
        if (response.status !== 200) return [];
        const entries = response.body as Array<{ ErrorCode: number }>;
        return postmarkMessageIdsOf(request).filter((_, k) => entries[k]?.ErrorCode === 0);
      },
      provider: (url) =>
        postmark({ serverToken: POSTMARK_TEST_TOKEN, baseUrl: url, timeoutMs: RIG_TIMEOUT_MS }),
    }),
};
