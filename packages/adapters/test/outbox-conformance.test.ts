/**
 * Core's built-in outbox through the provider conformance suite, on the database of this
 * run (PGlite, or Postgres when DATABASE_URL is set).
 */
import type { EmailProvider, SmsProvider } from '@greentrack/core';
import { describe, expect, it } from 'vitest';
import { databaseKind } from './greentrack.js';
import { outboxTarget } from './outbox-rig.js';
import { conformanceChecks, describeProviderConformance } from './provider-conformance.js';

for (const idempotent of [true, false]) {
  describeProviderConformance(outboxTarget<EmailProvider>('email', { idempotent }));
  describeProviderConformance(outboxTarget<SmsProvider>('sms', { idempotent }));
}

describe(`outbox conformance (${databaseKind})`, () => {
  it('fails a non-deduplicating outbox that claims idempotent: the retry shows in the table twice', async () => {
    const target = outboxTarget<EmailProvider>('email', {
      idempotent: false,
      claimIdempotent: true,
    });
    const check = conformanceChecks.find((c) => c.id === 'accept_then_timeout');
    const rig = await target.start();
    try {
      expect(rig.provider.capabilities.idempotent).toBe(true);
      await expect(check?.run(rig as never, target as never)).rejects.toThrow(
        'accepted each message once',
      );
    } finally {
      await rig.close();
    }
  }, 60_000);
});
