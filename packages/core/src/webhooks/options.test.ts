/**
 * The webhook parts of the config: sources are duck-typed and one per provider; the
 * options are checked and defaulted (no database needed).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { GreenTrackError } from '../errors.js';
import { resolveWebhookOptions } from './options.js';
import { testWebhookSource } from './test-source.js';

function issuesOf(config: unknown): unknown {
  try {
    parseConfig(config);
  } catch (error) {
    if (error instanceof GreenTrackError && error.code === 'CONFIG_INVALID')
      return error.details?.issues;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('webhook config', () => {
  it('takes one source per provider, and names a second one or a non-source', () => {
    expect(() =>
      parseConfig({
        providers: { webhooks: [testWebhookSource('twilio'), testWebhookSource('stripe')] },
      }),
    ).not.toThrow();
    expect(
      issuesOf({
        providers: { webhooks: [testWebhookSource('twilio'), testWebhookSource('twilio')] },
      }),
    ).toEqual([{ path: 'providers.webhooks', message: 'one webhook source per provider' }]);
    expect(issuesOf({ providers: { webhooks: [{ provider: 'twilio' }] } })).toEqual([
      expect.objectContaining({ path: 'providers.webhooks.0' }),
    ]);
  });

  it('checks the options and applies the defaults', () => {
    expect(issuesOf({ webhooks: { publicBaseUrl: 'app.example.com/api' } })).toEqual([
      expect.objectContaining({ path: 'webhooks.publicBaseUrl' }),
    ]);
    expect(issuesOf({ webhooks: { retentionDays: 0 } })).toEqual([
      expect.objectContaining({ path: 'webhooks.retentionDays' }),
    ]);
    const parsed = parseConfig({ webhooks: { publicBaseUrl: 'https://app.example.com/api/gt/' } });
    expect(resolveWebhookOptions(parsed.webhooks)).toEqual({
      publicBaseUrl: 'https://app.example.com/api/gt',
      inlineMaxEvents: 100,
      inlineTimeoutMs: 5000,
      retentionDays: 30,
    });
  });
});
