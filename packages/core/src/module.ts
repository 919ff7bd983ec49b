/**
 * The shape of a domain module: what one folder contributes to GreenTrack, declared once in
 * its `index.ts` and folded over by the composition root (`modules.ts`).
 *
 * How to add a module:
 * 1. Make a folder `src/<name>/` with `schema.ts`, `service.ts` (functions over a `Scope`),
 *    `routes.ts`, `error-codes.ts` and a `facade.ts` declaring the module's part of
 *    `gt.as(actor)` as an explicit, documented interface.
 * 2. Export ONE descriptor from `src/<name>/index.ts`: `export const fooModule = defineModule({…})`.
 * 3. Add it to the list in `src/modules.ts`. Routes, facade, RBAC rows and error statuses
 *    follow from there; nothing else is edited.
 */
import type { Clock } from './clock.js';
import type { CustomerDataRegistry, CustomerDataTable } from './customer-data.js';
import type { DatabaseAccess } from './db/access.js';
import type { Database, Role } from './db/types.js';
import type { ViewRefresher } from './db/view-refresh.js';
import type { Emit } from './events.js';
import type { ApiApp } from './http/env.js';
import type { Embedder } from './providers/embedder.js';
import type { InvoiceSourceConnector } from './providers/invoices.js';
import type { RenderMessage } from './providers/message-render.js';
import type { MessagingProviders } from './providers/messaging.js';
import type { PaymentLinkConnector } from './providers/payments.js';
import type {
  StoredWebhook,
  WebhookEffect,
  WebhookEffectKind,
  WebhookProvider,
  WebhookSource,
} from './providers/webhooks.js';
import type { Scope, TenantActor } from './scope.js';
import type { Keyring } from './secrets/index.js';

/** What a module's facade and routes may use from the GreenTrack instance. */
export interface ModuleDeps {
  /**
   * The database: `tenant(organizationId)` for work inside one organization (what every
   * `Scope` holds), `system(why)` for host work across organizations.
   */
  database: DatabaseAccess;
  clock: Clock;
  /** Delivers events now (host-level work); scoped work queues them until its commit. */
  emit: Emit;
  /** The configured embedder (segments' vector text, the embedding worker). */
  embedder: Embedder;
  /** The email and SMS providers messages go out through (default: the outbox). */
  providers: MessagingProviders;
  /** Where invoices are synced from (`providers.invoices`); absent: not configured. */
  invoiceSource?: InvoiceSourceConnector;
  /** Connects an organization's payments account for payment links (`providers.payments`). */
  payments?: PaymentLinkConnector;
  /**
   * The instance's renderer of campaign messages (templates, then signed tracking links when
   * `tracking` is configured): what the dispatcher and a person's resend send.
   */
  renderMessage: RenderMessage;
  /** The instance's dispatch policy (`config.dispatch`), the part a person's resend follows. */
  dispatch?: { from?: { email: string; name?: string }; leaseMs?: number; sendTimeoutMs?: number };
  /** The credentials keyring; throws `SECRET_REQUIRED` when no secret is configured. */
  keyring: () => Keyring;
  /**
   * The HMAC key of one purpose (an HKDF label), derived from the secret; throws
   * `SECRET_REQUIRED` when no secret is configured. Absent: nothing can be signed.
   */
  signingKey?: (label: string) => Buffer;
  /** The tables that hold customer data, merged from every module's `customerData`. */
  customerData: CustomerDataRegistry;
  /**
   * The instance's refresher of the materialized views, and the least age of the views
   * before an on-demand refresh runs (`kpis.onDemandMinIntervalMs`). Every instance has
   * it; absent only in deps a test builds by hand.
   */
  materializedViews?: { refresher: ViewRefresher; onDemandMinIntervalMs: number };
  /**
   * Inbound webhooks: the configured sources, every module's handlers, the options.
   * Absent: no source is configured (every webhook route answers 404).
   */
  webhooks?: WebhookRuntime;
}

/**
 * Binds a service function to an RBAC action: every call re-reads the actor's role, checks
 * it (and the token's scopes) against the action's row of the RBAC table, then runs the
 * service with a fresh `Scope`.
 */
export type Binder<A extends string = string> = <Args extends unknown[], Result>(
  action: A,
  service: (scope: Scope, ...args: Args) => Promise<Result>,
) => (...args: Args) => Promise<Result>;

/** What a webhook handler is told besides its effects. */
export interface WebhookHandlerContext {
  deps: ModuleDeps;
  /** The stored request the effects were read from. */
  webhook: StoredWebhook & { provider: WebhookProvider; integrationAccountId: string };
}

/**
 * Applies every effect of one kind from one stored webhook, inside the transaction that
 * processes it (`tx`, acting as the `webhook` actor). Must be idempotent and independent of
 * order: the same webhook may be processed again (provider retries, replay, reprocess), and
 * a provider's events arrive in any order. Set-based where it can be: a SendGrid batch
 * carries up to a thousand events.
 */
export type WebhookHandler<K extends WebhookEffectKind> = (
  tx: Scope,
  effects: readonly Extract<WebhookEffect, { kind: K }>[],
  context: WebhookHandlerContext,
) => Promise<{ replies?: readonly string[] } | undefined>;

/** A module's webhook handlers, by effect kind; each kind is handled by exactly one module. */
export type WebhookHandlers = { readonly [K in WebhookEffectKind]?: WebhookHandler<K> };

/** What the webhooks module works with (`providers.webhooks`, `webhooks`, the handlers). */
export interface WebhookRuntime {
  /** The configured sources, by provider (`providers.webhooks`). */
  sources: ReadonlyMap<WebhookProvider, WebhookSource>;
  /** Every module's `webhookHandlers`, merged: effect kind → its one handler. */
  handlers: WebhookHandlers;
  /** `config.webhooks` with its defaults applied. */
  options: {
    publicBaseUrl?: string;
    inlineMaxEvents: number;
    inlineTimeoutMs: number;
    retentionDays: number;
  };
}

/** What a module's facade builder receives. */
export interface FacadeContext<A extends string = string> {
  on: Binder<A>;
  deps: ModuleDeps;
  /** Who the facade acts for. */
  actor: TenantActor;
}

/** What a module's route registrar receives besides the app. */
export interface RouteContext {
  deps: ModuleDeps;
  /**
   * Largest request body a route that streams its own body may accept, in bytes
   * (`http.maxImportBytes`); ordinary routes are capped by `http.maxBodyBytes` for them.
   */
  maxStreamedBodyBytes: number;
}

/** One domain module as its folder declares it (the argument of `defineModule`). */
export interface ModuleDefinition<
  Name extends string,
  Actions extends string,
  Facade extends object,
> {
  /** Unique, lower-case: the folder's name. */
  readonly name: Name;
  /**
   * The module's rows of the RBAC table: action → least role allowed. An action belongs to
   * exactly one module; another module may bind it (the timeline binds `customer.read`).
   */
  readonly permissions?: Readonly<Record<Actions, Role>>;
  /**
   * The module's error codes → HTTP status. Write it `{…} satisfies Record<FooErrorCode,
   * number>`, so a code without a status is a compile error.
   */
  readonly errorStatus?: Readonly<Record<string, number>>;
  /**
   * The module's tables that hold customer data, with how their rows reach one customer
   * and what export and erase do with them (see `customer-data.ts`).
   */
  readonly customerData?: readonly CustomerDataTable[];
  /**
   * The tables this module owns that hold tenant data. Each gets its row-level-security
   * policy in the migration that creates it; `row-level-security.test.ts` fails when a
   * table of the database is declared by no module, or declared without a policy.
   */
  readonly tenantTables?: readonly (keyof Database)[];
  /**
   * Path prefixes (below the base path) whose routes authenticate themselves, e.g. by a
   * signed token in the path: the API's authentication is skipped for them.
   */
  readonly publicPathPrefixes?: readonly string[];
  /**
   * How the module applies webhook effects of the kinds it owns (`message.event` →
   * messages and consent, `payment` → payments, …). The webhooks module looks the handler
   * up by kind; a kind no module handles fails the webhook with `error` saying so.
   */
  readonly webhookHandlers?: WebhookHandlers;
  /** Registers the module's HTTP routes; they reach data through `c.get('tenant')`. */
  readonly routes?: (app: ApiApp<Facade>, context: RouteContext) => void;
  /**
   * The module's part of the tenant facade (`gt.as(actor)`). Parts are merged one level
   * deep, so two modules may both add methods under `customers`; a method name may not repeat.
   */
  readonly facade?: (context: FacadeContext) => Facade;
}

/** One domain module, as the composition root sees it. */
export interface ModuleDescriptor<
  Name extends string = string,
  Actions extends string = string,
  Facade extends object = object,
> extends Omit<ModuleDefinition<Name, Actions, Facade>, 'routes'> {
  /**
   * Registers the routes on the app of the whole facade. A module's part is a subset of
   * it, so the module sees exactly what it declared (the one cast is in `defineModule`).
   */
  readonly routes?: (app: ApiApp<object>, context: RouteContext) => void;
}

/** Declares a module: checks its definition and gives the descriptor its precise type. */
export function defineModule<Name extends string, Actions extends string, Facade extends object>(
  definition: ModuleDefinition<Name, Actions, Facade>,
): ModuleDescriptor<Name, Actions, Facade> {
  const { routes, ...rest } = definition;
  if (!routes) return rest;
  return {
    ...rest,
    routes: (app, context) => routes(app as unknown as ApiApp<Facade>, context),
  };
}
