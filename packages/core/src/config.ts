/**
 * `createGreenTrack` options, validated with zod so a bad config fails at startup with a
 * `CONFIG_INVALID` error that names the field.
 */
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { z } from 'zod';
import { type DispatchOptions, dispatchPolicySchema } from './campaigns/index.js';
import type { Clock } from './clock.js';
import { CommonErrorCode } from './errors.js';
import type { Authenticate, HttpOptions } from './http/app.js';
import type { Logger } from './http/errors.js';
import { type KpiOptions, kpiOptionsSchema } from './kpis/index.js';
import type { OutboxOptions } from './messaging/index.js';
import type { Embedder } from './providers/embedder.js';
import type { InvoiceSourceConnector } from './providers/invoices.js';
import {
  type EmailProvider,
  isMessagingProvider,
  type SmsProvider,
} from './providers/messaging.js';
import type { PaymentLinkConnector } from './providers/payments.js';
import type { WebhookSource } from './providers/webhooks.js';
import { parseInput } from './validation.js';
import {
  type WebhooksOptions,
  webhookSourcesSchema,
  webhooksOptionsSchema,
} from './webhooks/index.js';

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null;

const databaseSchema = z
  .object({
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    pool: z
      .custom<pg.Pool>(
        (v) => isObject(v) && typeof (v as pg.Pool).connect === 'function',
        'must be a pg.Pool',
      )
      .optional(),
    pglite: z
      .custom<PGlite>(
        (v) => isObject(v) && typeof (v as PGlite).query === 'function',
        'must be a PGlite instance',
      )
      .optional(),
    dataDir: z.string().min(1).optional(),
    inMemory: z.boolean().optional(),
    loadDataDir: z.custom<Blob>((v) => v instanceof Blob, 'must be a Blob').optional(),
    maxConnections: z.number().int().min(1).max(1000).optional(),
  })
  .strict()
  .refine((d) => [d.url, d.pool, d.pglite].filter((v) => v !== undefined).length <= 1, {
    message: 'give at most one of url, pool, pglite',
  });

const httpSchema = z
  .object({
    basePath: z
      .string()
      .regex(/^\/[A-Za-z0-9/_-]*$/, 'must start with / and contain only URL path characters')
      .optional(),
    maxBodyBytes: z.number().int().min(1).optional(),
    maxImportBytes: z.number().int().min(1).optional(),
    corsOrigins: z
      .union([
        z.literal('*'),
        z.array(
          z.string().regex(/^https?:\/\/[^/]+$/, 'must be an origin like https://shop.example'),
        ),
      ])
      .optional(),
    corsCredentials: z.boolean().optional(),
    logger: z
      .custom<Logger>(
        (v) => isObject(v) && typeof (v as Logger).error === 'function',
        'must have error()',
      )
      .optional(),
  })
  .strict()
  // Browsers reject `Access-Control-Allow-Origin: *` on credentialed requests.
  .refine((h) => !(h.corsCredentials && h.corsOrigins === '*'), {
    message: "'*' cannot be combined with corsCredentials; list the origins",
    path: ['corsOrigins'],
  });

const trackingSchema = z
  .object({
    baseUrl: z
      .string()
      .regex(
        /^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/,
        'must be an http(s) URL without query or fragment, like https://shop.example',
      )
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
    linkTtlDays: z.number().int().min(1).max(3650).optional(),
    smsClickRedirect: z.boolean().optional(),
  })
  .strict();

const outboxSchema = z
  .object({
    outbox: z
      .object({ idempotent: z.boolean().optional(), maxBatch: z.number().int().min(1).optional() })
      .strict(),
  })
  .strict();

/** A provider of `channel` (duck-typed), or `{ outbox: options }`. */
const providerSchema = <C extends 'email' | 'sms'>(channel: C) =>
  z.union([
    z.custom<C extends 'email' ? EmailProvider : SmsProvider>(
      (v) => isMessagingProvider(v, channel),
      `must be an ${channel === 'email' ? 'EmailProvider' : 'SmsProvider'}: { id, channel: '${channel}', capabilities: { maxBatch, idempotent, ratePerSecond }, send() }`,
    ),
    outboxSchema,
  ]);

/**
 * One provider, or several in failover order (ids unique: `messages.provider` and the
 * organization's choice name them).
 */
const providersSchema = <C extends 'email' | 'sms'>(channel: C) =>
  z.union([
    providerSchema(channel),
    z
      .array(providerSchema(channel))
      .min(1)
      .max(10)
      .refine(
        (list) => {
          const ids = list.map((p) => ('outbox' in p ? 'outbox' : p.id));
          return new Set(ids).size === ids.length;
        },
        { message: 'provider ids must be unique within a channel' },
      ),
  ]);

/** Duck-typed: core never imports an adapter. */
const paymentLinkConnectorSchema = z.custom<PaymentLinkConnector>(
  (v) =>
    isObject(v) &&
    (v as PaymentLinkConnector).provider === 'stripe' &&
    typeof (v as PaymentLinkConnector).connect === 'function',
  "must be a PaymentLinkConnector: { provider: 'stripe', connect(credentials) }",
);

const configSchema = z
  .object({
    database: databaseSchema.optional(),
    http: httpSchema.optional(),
    tracking: trackingSchema.optional(),
    authenticate: z
      .custom<Authenticate>((v) => typeof v === 'function', 'must be a function')
      .optional(),
    secret: z.string().min(32, 'must be at least 32 characters').optional(),
    previousSecrets: z.array(z.string().min(32, 'must be at least 32 characters')).optional(),
    embeddingDimensions: z.number().int().min(1).max(16000).optional(),
    rowLevelSecurity: z.boolean().optional(),
    providers: z
      .object({
        email: providersSchema('email').optional(),
        sms: providersSchema('sms').optional(),
        invoices: z
          .custom<InvoiceSourceConnector>(
            (v) =>
              isObject(v) &&
              (v as InvoiceSourceConnector).provider === 'zeroinvoice' &&
              typeof (v as InvoiceSourceConnector).connect === 'function',
            "must be an InvoiceSourceConnector: { provider: 'zeroinvoice', connect(credentials) }",
          )
          .optional(),
        payments: paymentLinkConnectorSchema.optional(),
        webhooks: webhookSourcesSchema.optional(),
      })
      .strict()
      .optional(),
    dispatch: dispatchPolicySchema.optional(),
    webhooks: webhooksOptionsSchema.optional(),
    kpis: kpiOptionsSchema.optional(),
    embedder: z
      .custom<Embedder>(
        (v) =>
          isObject(v) &&
          typeof (v as Embedder).id === 'string' &&
          Number.isInteger((v as Embedder).dimensions) &&
          (v as Embedder).dimensions >= 1 &&
          typeof (v as Embedder).embed === 'function' &&
          ((v as Embedder).maxBatch === undefined ||
            (Number.isInteger((v as Embedder).maxBatch) && Number((v as Embedder).maxBatch) >= 1)),
        'must be an Embedder: { id: string, dimensions: positive integer, maxBatch?: positive integer, embed(texts) }',
      )
      .optional(),
    clock: z
      .custom<Clock>(
        (v) => isObject(v) && typeof (v as Clock).now === 'function',
        'must have now()',
      )
      .optional(),
  })
  .strict();

/** A provider, or the built-in outbox with its options. */
type ProviderOption<P> = P | { outbox: OutboxOptions };

/** Options of `createGreenTrack`. */
export interface GreenTrackConfig {
  /**
   * Where the data lives. `url` or `pool` → Postgres (≥ 15 with pgvector); otherwise the
   * embedded PGlite database in `dataDir`.
   * @default { dataDir: './.greentrack/data' }
   * @example { url: process.env.DATABASE_URL }
   */
  database?: {
    url?: string;
    pool?: pg.Pool;
    pglite?: PGlite;
    dataDir?: string;
    inMemory?: boolean;
    loadDataDir?: Blob;
    maxConnections?: number;
  };
  /** Signs tokens and encrypts credentials at rest. At least 32 characters. */
  secret?: string;
  /**
   * Former secrets, still accepted to decrypt integration credentials while
   * `gt.integrations.rotateKey` moves them to `secret`.
   */
  previousSecrets?: string[];
  /** HTTP API options (base path, body limit, CORS, logger). */
  http?: HttpOptions;
  /**
   * Signed links in campaign messages: click redirect, open pixel, one-click unsubscribe
   * (`List-Unsubscribe`, RFC 8058) and the preferences page, all answered by the API under
   * `{baseUrl}{http.basePath}/t/…`. Needs `secret` as well.
   *
   * Without `baseUrl` (or `secret`) messages still get the campaign's UTM parameters, but
   * their unsubscribe links are placeholders that never resolve
   * (`https://preview.greentrack.invalid/…`) and nothing is tracked: fine for the built-in
   * outbox (a dry run), so `createGreenTrack` refuses a real email or SMS provider without
   * them rather than send a message whose unsubscribe link does not work.
   * @example tracking: { baseUrl: 'https://shop.example' }
   */
  tracking?: {
    /**
     * Public origin (and path prefix, behind a proxy) where recipients reach this app;
     * `http.basePath` is appended. Mail clients require `https` for one-click unsubscribe.
     */
    baseUrl?: string;
    /**
     * Lifetime of every tracking and unsubscribe link, in days. Laws ask that an
     * unsubscribe link keeps working for a while after the send (CAN-SPAM: 30 days).
     * @default 365
     */
    linkTtlDays?: number;
    /**
     * Route SMS links through the click redirect too (clicks counted, but ~80 more
     * characters per link, often another segment). Off: SMS links get UTM only.
     * @default false
     */
    smsClickRedirect?: boolean;
  };
  /**
   * Resolves the calling user from a request (your session or API key). Return `null`
   * for anonymous. Requests with `Authorization: Bearer <widget token>` skip this.
   * @example async (request) => { const s = await getSession(request); return s && { userId: s.userId, organizationId: s.orgId }; }
   */
  authenticate?: Authenticate;
  /**
   * Dimension of the `vector` columns, fixed by the first migration of a database.
   * @default `embedder.dimensions` when an embedder is given, else 1536
   */
  embeddingDimensions?: number;
  /**
   * PostgreSQL row-level security: every tenant table admits only the rows of the
   * organization the current work belongs to, and the library works as the role
   * `greentrack_app` (host work that spans organizations as `greentrack_system`). The first
   * `migrate()` creates both roles, so the login needs `CREATEROLE` (or is a superuser);
   * see the README's "Security model" for the grants. Turn it off for a login that cannot
   * create roles: the first `migrate()` then creates no roles and no policies, and every
   * query runs as the login.
   * @default true
   */
  rowLevelSecurity?: boolean;
  /**
   * Where campaign messages go. Each channel takes a provider (`sendgrid(…)`, `twilio(…)`
   * from `@greentrack/adapters`) or `{ outbox: { idempotent? } }`, the built-in provider that
   * records every message in the `outbox_messages` table instead of sending it (a dry run).
   *
   * A list is a failover order: campaign sends go to the first provider whose circuit
   * breaker is closed (`dispatch.circuitBreaker`), and a message goes through one provider
   * only — it moves on only when the provider certainly did not send it. Ids must differ.
   * @default { email: { outbox: {} }, sms: { outbox: {} } }
   * @example providers: { email: [sendgrid({ apiKey }), postmark({ serverToken })], sms: twilio({ … }) }
   */
  providers?: {
    email?: ProviderOption<EmailProvider> | ProviderOption<EmailProvider>[];
    sms?: ProviderOption<SmsProvider> | ProviderOption<SmsProvider>[];
    /**
     * Where the invoice cache is synced from: each organization's `zeroinvoice` integration
     * account is connected with its own (decrypted) credentials by `org.invoices.sync()` and
     * the worker. Needs `secret`. Without it, syncing fails with `INVOICE_SYNC_NOT_CONFIGURED`.
     * @example invoices: zeroInvoice({ baseUrl: 'https://invoices.shop.example' })
     */
    invoices?: InvoiceSourceConnector;
    /**
     * Makes payment links for invoices (`org.invoices.paymentLink(id)`) through each
     * organization's own account: its active integration account of the connector's
     * `provider` (`stripePayments()` from `@greentrack/adapters/stripe` connects `stripe`
     * accounts whose credentials hold `secretKey`). Without it, asking for a link fails with
     * `PAYMENT_LINKS_NOT_CONFIGURED`.
     * @example providers: { payments: stripePayments() }
     */
    payments?: PaymentLinkConnector;
    /**
     * Where provider webhooks come from: one source per provider, each verifying with the
     * provider's own scheme and the secret of the integration account named in the URL
     * (`POST {basePath}/webhooks/{provider}/{integrationAccountId}`). Needs `secret`.
     * @example providers: { webhooks: [sendgridWebhooks(), twilioWebhooks(), stripeWebhooks()] }
     */
    webhooks?: WebhookSource[];
  };
  /**
   * How the worker's dispatcher sends campaign messages: batch sizes, the claim lease, the
   * provider-call timeout, retries, the sender, and the policy for a message whose provider
   * call was interrupted (`resendUnknown`).
   *
   * `resendUnknown` is the one trade-off to weigh. A worker that dies (or times out) during
   * a provider call cannot know whether the message went out. With a provider that
   * deduplicates by message id (`capabilities.idempotent`, the outbox by default) it is
   * resent under the same id whatever this says: the provider drops a second copy. With one
   * that cannot, `false` (the default) holds it as `unknown` for a person to resolve
   * (`org.campaigns.unknownOutcomes()`): nobody gets the campaign twice, and some may get it
   * late or not at all. `true` resends it: nobody is missed, and a few may get it twice.
   *
   * `leaseMs` is how long a worker that stopped mid-batch keeps its claims: after it, another
   * worker recovers them. It must be longer than `sendTimeoutMs`.
   * @default { batchSize: 500, batchesPerRun: 20, leaseMs: 60000, sendTimeoutMs: 30000, maxAttempts: 5, resendUnknown: false }
   * @example dispatch: { leaseMs: 120_000, sendTimeoutMs: 60_000, from: { email: 'news@shop.example', name: 'Shop' } }
   */
  dispatch?: DispatchOptions;
  /**
   * Inbound webhooks (`providers.webhooks`): the public URL providers sign, how big a
   * payload is processed inline, how long processed rows are kept.
   * @default { inlineMaxEvents: 100, inlineTimeoutMs: 5000, retentionDays: 30 }
   * @example webhooks: { publicBaseUrl: 'https://app.example.com/api/greentrack' }
   */
  webhooks?: WebhooksOptions;
  /**
   * The KPI materialized views: how often the worker refreshes them, how often an admin may.
   * @default { refreshIntervalMs: 900000, onDemandMinIntervalMs: 60000 }
   * @example kpis: { refreshIntervalMs: 5 * 60_000 }
   */
  kpis?: KpiOptions;
  /**
   * Turns customer profiles into vectors, in the worker (never in a request). Its
   * `dimensions` must equal the database's `vector(N)` columns: `createGreenTrack` (or
   * `gt.migrate()` on a new database) fails with `EMBEDDING_DIMENSION_MISMATCH` otherwise.
   * The built-in `hashingEmbedder` is LEXICAL, not semantic; use a semantic embedder
   * (e.g. `openaiEmbedder` from `@greentrack/adapters/openai`) for similarity of meaning.
   * @default hashingEmbedder({ dimensions }) with the database's dimension
   * @example embedder: hashingEmbedder({ dimensions: 1536 })
   */
  embedder?: Embedder;
  /** Source of "now" (tests pass a fixed clock). @default the system clock */
  clock?: Clock;
}

/** Validates `config`. @throws GreenTrackError `CONFIG_INVALID` naming each bad field. */
export function parseConfig(config: unknown): GreenTrackConfig {
  return parseInput(configSchema, config ?? {}, {
    code: CommonErrorCode.CONFIG_INVALID,
    what: 'GreenTrack config',
  });
}
