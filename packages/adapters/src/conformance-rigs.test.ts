/**
 * The SendGrid and Postmark rigs for the shared provider conformance suite
 * (test/provider-conformance.ts, which plugs them in with `describeProviderConformance`):
 * each armed fault fails exactly the next call, the way the suite expects, and `accepted()`
 * lists what the local server took.
 */
import { type EmailProvider, ProviderError, type SendResult } from '@greentrack/core';
import { describe, expect, it } from 'vitest';
import type { ConformanceTarget } from '../test/conformance-types.js';
import { emailMessages } from '../test/email-fixtures.js';
import { postmarkTarget } from '../test/postmark-rig.js';
import { sendgridTarget } from '../test/sendgrid-rig.js';

const context = { organizationId: 'org-conformance', campaignId: 'campaign-1' };

async function outcome(provider: EmailProvider, n: number) {
  const messages = emailMessages(n);
  try {
    return { messages, results: await provider.send(messages, context) };
  } catch (error) {
    return { messages, error: error as ProviderError };
  }
}

const statuses = (results: SendResult[] | undefined) => results?.map((r) => r.status);

for (const target of [sendgridTarget, postmarkTarget] as ConformanceTarget<EmailProvider>[]) {
  describe(`${target.name} conformance rig`, () => {
    it('fails the next call as armed, then sends again; accepted() lists what the server took', async () => {
      const rig = await target.start();
      try {
        const ok = await outcome(rig.provider, 2);
        expect(statuses(ok.results)).toEqual(['sent', 'sent']);
        expect(rig.accepted()).toEqual(ok.messages.map((m) => m.messageId));

        rig.failNext('transient');
        expect((await outcome(rig.provider, 2)).error).toMatchObject({
          kind: 'transient',
          outcome: 'not_sent',
        });
        rig.failNext('rate_limited');
        expect((await outcome(rig.provider, 2)).error).toMatchObject({
          kind: 'transient',
          outcome: 'not_sent',
          retryAfterMs: 2000,
        });
        rig.failNext('permanent');
        const rejected = await outcome(rig.provider, 1);
        expect(rejected.results?.[0]).toMatchObject({
          status: 'failed',
          failure: { kind: 'permanent' },
        });
        expect(rig.accepted()).toHaveLength(2);

        rig.failNext('accept_then_timeout');
        const late = await outcome(rig.provider, 2);
        expect(late.error).toBeInstanceOf(ProviderError);
        expect(late.error?.outcome).toBe('unknown');
        expect(rig.accepted().slice(2)).toEqual(late.messages.map((m) => m.messageId));

        expect(statuses((await outcome(rig.provider, 1)).results)).toEqual(['sent']);
      } finally {
        await rig.close();
      }
    });
  });
}
