/**
 * `createGreenTrack`: validates the config, opens the database, and wires the modules.
 */
import { EventEmitter } from 'eventemitter3';
import type { Kysely } from 'kysely';
import { createCampaignRenderer } from './campaigns/index.js';
import { type Clock, systemClock } from './clock.js';
import { type GreenTrackConfig, parseConfig } from './config.js';
import {
  connectDatabase,
  createViewRefresher,
  type DatabaseAccess,
  type DialectName,
  type MigrateResult,
  type MigrationStatusEntry,
  migrateToLatest,
  migrationStatus,
  readEmbeddingDimensions,
} from './db/index.js';
import type { Database } from './db/types.js';
import {
  assertEmbedderDimensions,
  type ReembedOptions,
  type ReembedProgress,
  reembedAll,
} from './embeddings/index.js';
import { createWorker, type Worker } from './engine/worker.js';
import { httpStatusFor } from './error-status.js';
import { CommonErrorCode, GreenTrackError, isGreenTrackError } from './errors.js';
import type { Emit, GreenTrackListeners } from './events.js';
import { createApiApp, DEFAULT_BASE_PATH } from './http/app.js';
import { createTokenService, type TokenRequest, type TokenService } from './http/tokens.js';
import { readIntegrationCredentials, rotateCredentialsKey } from './integrations/index.js';
import { createViewRefreshPass, resolveKpiOptions } from './kpis/index.js';
import { createOutboxProviders, type OutboxOptions } from './messaging/index.js';
import type { ModuleDeps, WebhookRuntime } from './module.js';
import { customerData, modules, webhookHandlers } from './modules.js';
import type { Embedder } from './providers/embedder.js';
import { hashingEmbedder } from './providers/hashing-embedder.js';
import type { MessagingProviders } from './providers/messaging.js';
import { systemScope, type TenantActor } from './scope.js';
import {
  type Credentials,
  createKeyring,
  type Keyring,
  purposeKey,
  SecretErrorCode,
} from './secrets/index.js';
import {
  createOrganization,
  createUser,
  findUserByEmail,
  getUser,
  type OrganizationCreate,
  resolveRole,
  type SystemContext,
  TenancyErrorCode,
  type UserCreate,
} from './tenancy/index.js';
import { createTenantFacade, type TenantFacade } from './tenant.js';
import { createTrackingLinks, createTrackingTokens, type TrackingLinks } from './tracking/index.js';
import { resolveWebhookOptions } from './webhooks/index.js';

/** A configured provider, or the outbox built from its options (the default). */
function resolveProvider<P>(
  configured: P | { outbox: OutboxOptions } | undefined,
  buildOutbox: (options: OutboxOptions) => P,
): P {
  if (configured === undefined) return buildOutbox({});
  if (typeof configured === 'object' && configured !== null && 'outbox' in configured)
    return buildOutbox(configured.outbox);
  return configured;
}

/** A channel's providers in failover order: the first, and the ones after it. */
function resolveProviders<P>(
  configured: P | { outbox: OutboxOptions } | Array<P | { outbox: OutboxOptions }> | undefined,
  buildOutbox: (options: OutboxOptions) => P,
): [P, P[]] {
  const list = Array.isArray(configured) ? configured : [configured];
  const [first, ...rest] = list.map((p) => resolveProvider(p, buildOutbox));
  return [first ?? buildOutbox({}), rest];
}

/** Default lifetime of tracking and unsubscribe links. */
const DEFAULT_LINK_TTL_DAYS = 365;

/**
 * The signer of message links, when `secret` and `tracking.baseUrl` are set. Without them a
 * real provider is refused: its messages would carry unsubscribe links that do not work.
 */
function trackingFrom(options: GreenTrackConfig, clock: Clock): TrackingLinks | undefined {
  const { secret, tracking } = options;
  if (secret && tracking?.baseUrl) {
    const basePath = (options.http?.basePath ?? DEFAULT_BASE_PATH).replace(/\/+$/, '');
    return createTrackingLinks({
      tokens: createTrackingTokens(
        (label) => purposeKey(secret, label),
        () => clock.now(),
      ),
      apiUrl: `${tracking.baseUrl}${basePath}`,
      ttlSeconds: (tracking.linkTtlDays ?? DEFAULT_LINK_TTL_DAYS) * 24 * 3600,
      smsClickRedirect: tracking.smsClickRedirect ?? false,
    });
  }
  const real = (['email', 'sms'] as const).filter((channel) => {
    const configured = options.providers?.[channel];
    const list = Array.isArray(configured) ? configured : [configured];
    return list.some((provider) => provider !== undefined && !('outbox' in provider));
  });
  if (real.length === 0) return undefined;
  const missing = [
    ...(secret ? [] : ['secret']),
    ...(tracking?.baseUrl ? [] : ['tracking.baseUrl']),
  ];
  throw new GreenTrackError({
    code: CommonErrorCode.CONFIG_INVALID,
    message: `Messages sent through providers.${real.join(' and providers.')} need working unsubscribe links: set ${missing.join(' and ')} (tracking.baseUrl is the public URL recipients reach this app at)`,
    details: {
      issues: missing.map((path) => ({ path, message: 'required with a real provider' })),
    },
  });
}

/** Default dimension of the `vector` columns (OpenAI `text-embedding-3-small`). */
export const DEFAULT_EMBEDDING_DIMENSIONS = 1536;

/** A running GreenTrack instance. */
export interface GreenTrack {
  /**
   * The Kysely instance of the login connection (migrations, host queries, tests). Under
   * row-level security (the default) a login that is not a superuser sees no tenant rows
   * through it; use `database.tenant(organizationId)` for host queries on one organization.
   */
  readonly db: Kysely<Database>;
  /**
   * The database as the library reaches it: `tenant(organizationId)` confines every
   * statement to one organization (row-level security), `system(why)` spans them all.
   * @example
   * const rows = await gt.database.tenant(orgId).selectFrom('customers').select('id').execute();
   */
  readonly database: DatabaseAccess;
  /** `postgres` or `pglite`. */
  readonly dialect: DialectName;
  readonly clock: Clock;
  /** Applies pending migrations; a no-op when up to date. */
  migrate(): Promise<MigrateResult>;
  /** Every migration with its applied time, or `null` when pending. */
  migrationStatus(): Promise<MigrationStatusEntry[]>;
  /** Dimension of the `vector` columns in this database (`null` before migrating). */
  embeddingDimensions(): Promise<number | null>;
  /**
   * The configured embedder (default `hashingEmbedder` with the database's dimension).
   * Use it to embed a query for a vector search so it matches the stored vectors.
   * @example
   * const [q] = await gt.embedder.embed(['wholesale bakery portland']);
   */
  readonly embedder: Embedder;
  /** The email and SMS providers campaign messages go out through (default: the outbox). */
  readonly providers: MessagingProviders;
  /**
   * Background work: the embedding queue today. Run `start()` in a long-running process, or
   * `tick()` from cron/serverless. Safe with many processes on one database.
   */
  readonly worker: Worker;
  /** Host-level customer operations across organizations. */
  customers: {
    /**
     * Re-embeds every customer (or one organization's): queues them all in one
     * `INSERT … SELECT`, then processes the queue until nothing is due, reporting
     * `{ embedded, failed, total }` to `onProgress` and as `embedding.progress` events.
     * @example
     * await gt.customers.reembedAll({ onProgress: (p) => console.log(`${p.embedded}/${p.total}`) });
     */
    reembedAll(options?: ReembedOptions): Promise<ReembedProgress>;
  };
  /**
   * The tenant-scoped API for a user in an organization. Every call checks the membership
   * and the RBAC table first.
   * @example
   * const org = gt.as({ userId, organizationId });
   * await org.memberships.add({ userId: other, role: 'staff' });
   */
  as(actor: TenantActor): TenantFacade;
  /** Host-level user management (users are not inside one organization). */
  users: {
    create(input: UserCreate): ReturnType<typeof createUser>;
    get(userId: string): ReturnType<typeof getUser>;
    findByEmail(email: string): ReturnType<typeof findUserByEmail>;
  };
  /** Host-level organization management. */
  organizations: {
    /** Creates an organization owned by an existing user. */
    create(input: OrganizationCreate): ReturnType<typeof createOrganization>;
  };
  /**
   * The HTTP API as a Web-standard handler, mounted under `http.basePath`
   * (default `/api/greentrack`). Hosts wrap it: `toNodeHandler(gt)`, `toNextHandler(gt)`.
   */
  handler(request: Request): Promise<Response>;
  /** Short-lived widget tokens (needs `secret`). */
  tokens: {
    /**
     * Mints a token for a user in an organization.
     * @example gt.tokens.issue({ userId, organizationId, ttlSeconds: 600, scopes: ['organization.read'] })
     */
    issue(request: TokenRequest): string;
    /** Verifies a token and returns its claims. @throws `UNAUTHENTICATED` */
    verify: TokenService['verify'];
  };
  /** Host-level access to provider credentials (server-side only; never over HTTP). */
  integrations: {
    /**
     * Re-encrypts every integration account under `to` (default: the configured `secret`),
     * in one transaction. Deploy the new secret with the old one in `previousSecrets`, run
     * this, then drop the old secret.
     * @example await gt.integrations.rotateKey(process.env.OLD_SECRET)
     */
    rotateKey(from: string, to?: string): Promise<{ reencrypted: number }>;
    /** Decrypted credentials of one account, for provider adapters. */
    readCredentials(organizationId: string, accountId: string): Promise<Credentials>;
  };
  /**
   * Refreshes the dashboard materialized views now and records when (the `asOf` of the
   * KPIs), after any refresh under way in another process. The worker also refreshes them
   * every `kpis.refreshIntervalMs`.
   */
  refreshMaterializedViews(options?: { concurrently?: boolean }): Promise<void>;
  /** Subscribes to a typed event. */
  on: EventEmitter<GreenTrackListeners>['on'];
  once: EventEmitter<GreenTrackListeners>['once'];
  off: EventEmitter<GreenTrackListeners>['off'];
  /**
   * Stops the worker (waiting for its running tick), then closes what GreenTrack opened
   * (never a caller-owned pool or PGlite).
   */
  close(): Promise<void>;
}

/**
 * Creates a GreenTrack instance.
 * @example
 * const gt = await createGreenTrack({ database: { url: process.env.DATABASE_URL } });
 * await gt.migrate();
 * @throws GreenTrackError `CONFIG_INVALID` naming the bad field, or `DATABASE_UNAVAILABLE`.
 */
export async function createGreenTrack(config: GreenTrackConfig = {}): Promise<GreenTrack> {
  return createInstance(config, webhookHandlers);
}

/**
 * `createGreenTrack` with the webhook handler registry given: tests of the webhook pipeline
 * put handlers of their own beside (or over) the modules'. Not part of the package's API.
 */
export async function createInstance(
  config: GreenTrackConfig,
  handlers: WebhookRuntime['handlers'],
): Promise<GreenTrack> {
  const options = parseConfig(config);
  const clock = options.clock ?? systemClock;
  // Checked before the database opens: a config that cannot send safely fails at once.
  const tracking = trackingFrom(options, clock);
  const renderMessage = createCampaignRenderer(tracking);
  const connection = await connectDatabase(options.database ?? {});
  const { db } = connection;
  const rowLevelSecurity = options.rowLevelSecurity ?? true;
  const access = await connection.access(rowLevelSecurity);
  const emitter = new EventEmitter<GreenTrackListeners>();
  const emit: Emit = (name, payload) => {
    // eventemitter3's typing of rest args is awkward for a generic key; payload matches.
    (emitter.emit as (event: string, arg: unknown) => boolean)(name, payload);
  };
  const system: SystemContext = {
    db: access.system('users and new organizations are not inside one organization'),
    clock,
    emit,
  };
  const migrationContext = {
    embeddingDimensions:
      options.embeddingDimensions ?? options.embedder?.dimensions ?? DEFAULT_EMBEDDING_DIMENSIONS,
    rowLevelSecurity,
  };
  // The embedder must fit the vector columns. A migrated database's column decides (and
  // the default embedder follows it); a new one gets the configured dimension at migrate().
  let embedder: Embedder;
  try {
    const columnDimensions = await readEmbeddingDimensions(db);
    embedder =
      options.embedder ??
      hashingEmbedder({ dimensions: columnDimensions ?? migrationContext.embeddingDimensions });
    if (columnDimensions !== null) assertEmbedderDimensions(embedder, columnDimensions, 'column');
    else assertEmbedderDimensions(embedder, migrationContext.embeddingDimensions, 'config');
  } catch (error) {
    await connection.close();
    throw error;
  }
  const outbox = (options_: OutboxOptions) => createOutboxProviders(access, options_);
  const [email, emailFallbacks] = resolveProviders(
    options.providers?.email,
    (o) => outbox(o).email,
  );
  const [sms, smsFallbacks] = resolveProviders(options.providers?.sms, (o) => outbox(o).sms);
  const providers: MessagingProviders = {
    email,
    sms,
    fallbacks: { email: emailFallbacks, sms: smsFallbacks },
  };
  const kpiOptions = resolveKpiOptions(options.kpis);
  const viewRefresher = createViewRefresher({
    database: access,
    dialect: connection.dialect,
    clock,
  });
  const worker = createWorker({
    embeddings: {
      db: access.system('the worker takes due embedding jobs of every organization'),
      clock,
      embedder,
    },
    scheduler: { database: access, clock, emit },
    dispatch: {
      database: access,
      clock,
      emit,
      providers,
      render: renderMessage,
    },
    dispatchOptions: options.dispatch,
    invoiceSync: {
      database: access,
      clock,
      emit,
      source: options.providers?.invoices,
      keyring: () => getKeyring(),
    },
    invoicePass: { database: access, clock, emit },
    // Read when a tick runs: the module deps are built below.
    webhooks: () => moduleDeps,
    viewRefresh: createViewRefreshPass(viewRefresher, {
      intervalMs: kpiOptions.refreshIntervalMs,
      clock,
    }),
  });
  const tokens = options.secret ? createTokenService(options.secret, () => clock.now()) : undefined;
  const requireSecret = (purpose: string): string => {
    if (options.secret) return options.secret;
    throw new GreenTrackError({
      code: SecretErrorCode.SECRET_REQUIRED,
      message: `A secret is required to ${purpose}: set \`secret\` in createGreenTrack`,
      details: { issues: [{ path: 'secret', message: 'required' }] },
    });
  };
  // Without a secret there is no token service; asking for one explains why.
  const requireTokens = (): TokenService =>
    tokens ?? createTokenService(requireSecret('issue or verify tokens'), () => clock.now());
  let keyring: Keyring | undefined;
  // Built on first use: instances without a secret work until something needs credentials.
  const getKeyring = (): Keyring => {
    keyring ??= createKeyring(options.secret, options.previousSecrets ?? []);
    return keyring;
  };
  const moduleDeps: ModuleDeps = {
    database: access,
    providers,
    ...(options.providers?.invoices ? { invoiceSource: options.providers.invoices } : {}),
    ...(options.providers?.payments !== undefined && { payments: options.providers.payments }),
    renderMessage,
    dispatch: options.dispatch ?? {},
    clock,
    emit,
    keyring: getKeyring,
    signingKey: (label) => purposeKey(requireSecret('sign links'), label),
    embedder,
    customerData,
    materializedViews: {
      refresher: viewRefresher,
      onDemandMinIntervalMs: kpiOptions.onDemandMinIntervalMs,
    },
    webhooks: {
      sources: new Map((options.providers?.webhooks ?? []).map((s) => [s.provider, s])),
      handlers,
      options: resolveWebhookOptions(options.webhooks),
    },
  };
  // Built once, at creation: a bad http option fails startup, not the first request.
  const api = createApiApp(
    {
      modules,
      moduleDeps,
      facadeFor: (actor, role) => createTenantFacade(moduleDeps, actor, { role }),
      roleOf: async (actor) => {
        try {
          return await resolveRole(access.tenant(actor.organizationId), actor);
        } catch (error) {
          if (isGreenTrackError(error, TenancyErrorCode.NOT_A_MEMBER)) return null;
          throw error;
        }
      },
      statusFor: httpStatusFor,
      tokens,
      authenticate: options.authenticate,
    },
    options.http,
  );

  return {
    db,
    database: access,
    dialect: connection.dialect,
    clock,
    migrate: async () => {
      const result = await migrateToLatest(db, migrationContext);
      // Another process may have created the columns first, with another dimension.
      const columnDimensions = await readEmbeddingDimensions(db);
      if (columnDimensions !== null) assertEmbedderDimensions(embedder, columnDimensions, 'column');
      return result;
    },
    migrationStatus: () => migrationStatus(db, migrationContext),
    embeddingDimensions: () => readEmbeddingDimensions(db),
    embedder,
    providers,
    worker,
    customers: {
      reembedAll: (opts) =>
        reembedAll(
          {
            db: opts?.organizationId
              ? access.tenant(opts.organizationId)
              : access.system('re-embedding every organization'),
            clock,
            embedder,
            emit,
          },
          opts,
        ),
    },
    as: (actor) => createTenantFacade(moduleDeps, actor),
    users: {
      create: (input) => createUser(system, input),
      get: (userId) => getUser(system, userId),
      findByEmail: (email) => findUserByEmail(system, email),
    },
    organizations: {
      create: (input) => createOrganization(system, input),
    },
    handler: async (request) => api.fetch(request),
    tokens: {
      issue: (request) => requireTokens().issue(request),
      verify: (token) => requireTokens().verify(token),
    },
    integrations: {
      rotateKey: async (from, to) =>
        rotateCredentialsKey(access.system('key rotation re-encrypts every organization'), {
          from,
          to: to ?? requireSecret('rotate credentials'),
          clock,
        }),
      readCredentials: (organizationId, accountId) =>
        readIntegrationCredentials(
          systemScope({ database: access, clock, emit }, organizationId),
          getKeyring(),
          accountId,
        ),
    },
    refreshMaterializedViews: async (opts) => {
      // Through the instance's refresher: recorded (the KPIs' `asOf`), one at a time.
      await viewRefresher.refresh({ force: true, concurrently: opts?.concurrently ?? false });
    },
    on: emitter.on.bind(emitter),
    once: emitter.once.bind(emitter),
    off: emitter.off.bind(emitter),
    close: async () => {
      await worker.stop();
      await connection.close();
    },
  };
}
