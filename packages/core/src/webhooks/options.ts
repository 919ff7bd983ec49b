/**
 * The webhook parts of `createGreenTrack`'s config: `providers.webhooks` (the sources) and
 * `webhooks` (public URL, inline limits, retention), validated like every other option.
 */
import { z } from 'zod';
import type { WebhookRuntime } from '../module.js';
import type { WebhookSource } from '../providers/webhooks.js';

/** Options of `createGreenTrack({ webhooks })`. */
export interface WebhooksOptions {
  /**
   * The public URL of the API's base path, as providers reach it (scheme, host, any proxy
   * prefix, and `http.basePath`). Twilio signs the full URL it posted to; behind a proxy or
   * a tunnel the request's own URL differs, so the URL a source verifies is rebuilt from
   * this. Without it, the request's URL is used as it arrived.
   * @example publicBaseUrl: 'https://app.example.com/api/greentrack'
   */
  publicBaseUrl?: string;
  /**
   * A verified webhook carrying at most this many provider events is processed inline,
   * before the response (so a Twilio HELP reply can go back in it); a bigger one is stored
   * and left to the worker, which keeps the response fast for SendGrid's batches.
   * @default 100
   */
  inlineMaxEvents?: number;
  /**
   * How long inline processing may take before the response is sent anyway. The stored row
   * is left `pending` (its handlers' work rolled back) and the worker processes it; the
   * provider, which retries on a slow answer, gets its 200 in time.
   * @default 5000
   */
  inlineTimeoutMs?: number;
  /**
   * Processed webhooks older than this many days are deleted by the worker. Failed ones
   * are kept until they are reprocessed (they are what an operator needs to look at).
   * @default 30
   */
  retentionDays?: number;
}

const DEFAULTS = { inlineMaxEvents: 100, inlineTimeoutMs: 5000, retentionDays: 30 } as const;

const isWebhookSource = (v: unknown): v is WebhookSource =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as WebhookSource).provider === 'string' &&
  typeof (v as WebhookSource).verify === 'function' &&
  typeof (v as WebhookSource).interpret === 'function';

/** `providers.webhooks`: duck-typed sources (core never imports an adapter), one per provider. */
export const webhookSourcesSchema = z
  .array(
    z.custom<WebhookSource>(
      isWebhookSource,
      'must be a WebhookSource: { provider, verify(request, credentials), interpret(stored) }',
    ),
  )
  .max(10)
  .refine((list) => new Set(list.map((s) => s.provider)).size === list.length, {
    message: 'one webhook source per provider',
  });

/** `webhooks`. */
export const webhooksOptionsSchema = z
  .object({
    publicBaseUrl: z
      .string()
      .regex(
        /^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/,
        'must be an http(s) URL without query or fragment, like https://app.example.com/api/greentrack',
      )
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
    inlineMaxEvents: z.number().int().min(0).max(100_000).optional(),
    inlineTimeoutMs: z.number().int().min(1).max(600_000).optional(),
    retentionDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

/** The options with their defaults applied. */
export function resolveWebhookOptions(options: WebhooksOptions = {}): WebhookRuntime['options'] {
  return {
    ...(options.publicBaseUrl !== undefined && { publicBaseUrl: options.publicBaseUrl }),
    inlineMaxEvents: options.inlineMaxEvents ?? DEFAULTS.inlineMaxEvents,
    inlineTimeoutMs: options.inlineTimeoutMs ?? DEFAULTS.inlineTimeoutMs,
    retentionDays: options.retentionDays ?? DEFAULTS.retentionDays,
  };
}

const NO_WEBHOOKS: WebhookRuntime = {
  sources: new Map(),
  handlers: {},
  options: resolveWebhookOptions(),
};

/** The instance's webhook runtime; an instance built without one has no source and no handler. */
export function webhookRuntime(deps: { webhooks?: WebhookRuntime }): WebhookRuntime {
  return deps.webhooks ?? NO_WEBHOOKS;
}
