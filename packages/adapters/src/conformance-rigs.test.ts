/**
 * The Twilio and SMTP conformance rigs keep the contract the shared provider suite relies on
 * (`test/provider-conformance.ts`): each fault hits exactly the next `count` calls, the
 * adapter reports it as the suite's faults are defined, and `accepted()` lists what the
 * local provider took in, repeats included. Until the shared suite lands this is the check
 * of the rigs themselves; the suite then runs on the same targets.
 */
import type { EmailMessage, SmsMessage } from '@greentrack/core';
import { describe, expect, it } from 'vitest';
import { smtpConformanceTarget } from './smtp/conformance-rig.js';
import { twilioConformanceTarget } from './twilio/conformance-rig.js';

const context = { organizationId: '00000000-0000-4000-8000-000000000001' };

const targets = [
  {
    target: twilioConformanceTarget,
    message: (messageId: string): SmsMessage => ({
      messageId,
      to: '+14155550100',
      body: 'Hi',
      headers: {},
    }),
  },
  {
    target: smtpConformanceTarget,
    message: (messageId: string): EmailMessage => ({
      messageId,
      to: { email: 'ada@example.net' },
      from: { email: 'news@shop.example.com' },
      subject: 'Hi',
      html: '<p>Hi</p>',
      text: 'Hi',
      headers: {},
    }),
  },
];

describe.each(targets)('conformance rig: $target.name', ({ target, message }) => {
  it('applies each fault to the next calls only, then sends again', async () => {
    const rig = await target.start();
    // biome-ignore lint/suspicious/noExplicitAny: each target's message matches its provider
    const send = (id: string) => rig.provider.send([message(id) as any], context);
    const outcome = (id: string) =>
      send(id).then(
        (results) => results[0],
        (error: unknown) => error,
      );
    try {
      expect(await outcome('ok-1')).toMatchObject({ status: 'sent' });

      rig.failNext('transient', 2);
      expect(await outcome('t-1')).toMatchObject({ kind: 'transient', outcome: 'not_sent' });
      expect(await outcome('t-2')).toMatchObject({ kind: 'transient', outcome: 'not_sent' });

      rig.failNext('rate_limited');
      expect(await outcome('r-1')).toMatchObject({ kind: 'transient', outcome: 'not_sent' });

      rig.failNext('permanent');
      expect(await outcome('p-1')).toMatchObject({
        status: 'failed',
        failure: { kind: 'permanent', suppress: 'invalid' },
      });

      rig.failNext('accept_then_timeout');
      expect(await outcome('u-1')).toMatchObject({ kind: 'transient', outcome: 'unknown' });

      expect(await outcome('ok-2')).toMatchObject({ status: 'sent' });
      expect(await outcome('ok-2')).toMatchObject({ status: 'sent' });
      expect(rig.accepted()).toEqual(['ok-1', 'u-1', 'ok-2', 'ok-2']);
    } finally {
      await rig.close();
    }
  });
});
