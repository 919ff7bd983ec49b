import { describe, expect, it } from 'vitest';
import { isMessagingProvider, retryAfterMs } from './messaging.js';

describe('retryAfterMs', () => {
  const now = new Date('2026-06-01T09:00:00.000Z');
  it('reads seconds and HTTP dates, and ignores what it cannot read', () => {
    expect(retryAfterMs('30', now)).toBe(30_000);
    expect(retryAfterMs('1.5', now)).toBe(1500);
    expect(retryAfterMs('Mon, 01 Jun 2026 09:00:05 GMT', now)).toBe(5000);
    // A date in the past means "now", never a negative wait.
    expect(retryAfterMs('Mon, 01 Jun 2026 08:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});

describe('isMessagingProvider', () => {
  const provider = {
    id: 'x',
    channel: 'email',
    capabilities: { maxBatch: 500, idempotent: true, ratePerSecond: 100 },
    send: async () => [],
  };
  it('accepts the shape of its channel only', () => {
    expect(isMessagingProvider(provider, 'email')).toBe(true);
    expect(isMessagingProvider(provider, 'sms')).toBe(false);
    expect(
      isMessagingProvider(
        { ...provider, capabilities: { ...provider.capabilities, maxBatch: 0 } },
        'email',
      ),
    ).toBe(false);
    expect(isMessagingProvider({ ...provider, send: undefined }, 'email')).toBe(false);
    expect(isMessagingProvider(null, 'email')).toBe(false);
  });
});
