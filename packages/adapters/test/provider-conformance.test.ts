/**
 * The conformance suite on the reference email adapter: it passes when the adapter behaves,
 * and each check fails for the mistake it exists to catch (so a green run means something).
 */
import { describe, expect, it } from 'vitest';
import {
  type ConformanceCheck,
  conformanceChecks,
  describeProviderConformance,
} from './provider-conformance.js';
import { type Flaws, referenceTarget } from './reference-email.js';

describeProviderConformance(referenceTarget({ idempotent: true }));
describeProviderConformance(referenceTarget({ idempotent: false }));

const check = (id: ConformanceCheck['id']): ConformanceCheck => {
  const found = conformanceChecks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
};

describe('provider conformance: each check fails the flaw it guards against', () => {
  // [check, flaw, server deduplicates, the assertion that must fail]
  const cases: [ConformanceCheck['id'], keyof Flaws, boolean, string][] = [
    ['order', 'dropsMessageId', true, 'accepted() lists each of our ids once'],
    ['order', 'reversesResults', true, 'one result per message, in the order given'],
    ['over-batch', 'truncatesOverBatch', true, 'one result per message'],
    ['transient', 'retriesOn5xx', true, 'is not sent'],
    ['rate_limited', 'rateLimitUnknown', true, 'a 429 is not_sent'],
    ['permanent', 'rejectionTransient', true, 'fails permanent'],
    ['accept_then_timeout', 'timeoutNotSent', true, 'the provider may have sent it'],
    ['accept_then_timeout', 'claimsIdempotent', false, 'accepted each message once'],
  ];
  for (const [id, flaw, idempotent, failure] of cases) {
    it(`${id} fails an adapter that ${flaw}`, async () => {
      const target = referenceTarget({ idempotent, flaws: { [flaw]: true } });
      const rig = await target.start();
      try {
        // The same adapter without the flaw passes the same check (the flaw is the cause).
        const sound = referenceTarget({ idempotent });
        const soundRig = await sound.start();
        try {
          await check(id).run(soundRig, sound);
        } finally {
          await soundRig.close();
        }
        await expect(check(id).run(rig, target)).rejects.toThrow(failure);
      } finally {
        await rig.close();
      }
    });
  }
});
