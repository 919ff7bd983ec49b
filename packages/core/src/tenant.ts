/**
 * The tenant facade `gt.as(actor)` returns: every tenant operation, each bound to its RBAC
 * action. Each call re-reads the actor's membership (one indexed lookup), so a revoked or
 * demoted member loses access on their next call, then checks the RBAC table, then runs the
 * service with a fresh `Scope`. This is the only road to tenant data.
 */
import type { Kysely } from 'kysely';
import { type AuditLogQuery, listAuditLog } from './audit/index.js';
import type { Clock } from './clock.js';
import {
  getConsentPolicy,
  getCustomerConsent,
  setConsentPolicy,
  setCustomerConsent,
} from './consent/index.js';
import {
  type CustomerCreate,
  type CustomerListQuery,
  type CustomerUpdate,
  createCustomer,
  deleteCustomer,
  getCustomer,
  listCustomers,
  updateCustomer,
} from './customers/index.js';
import type { Database, Role } from './db/types.js';
import { CommonErrorCode, GreenTrackError } from './errors.js';
import type { Emit } from './events.js';
import { scopeAllows } from './http/tokens.js';
import { type ImportOptions, type ImportSource, importCustomers } from './imports/index.js';
import {
  createIntegrationAccount,
  deleteIntegrationAccount,
  getIntegrationAccount,
  type IntegrationAccountCreate,
  type IntegrationAccountQuery,
  type IntegrationAccountUpdate,
  type Keyring,
  listIntegrationAccounts,
  updateIntegrationAccount,
} from './integrations/index.js';
import { eraseCustomer, exportCustomer } from './privacy/index.js';
import type { Embedder } from './providers/embedder.js';
import type { Scope } from './scope.js';
import {
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  previewSegment,
  previewSegmentDraft,
  type SegmentCreate,
  type SegmentDraft,
  type SegmentPreviewOptions,
  type SegmentUpdate,
  updateSegment,
} from './segments/index.js';
import {
  type Action,
  addMembership,
  authorize,
  getOrganization,
  listMemberships,
  removeMembership,
  resolveRole,
  updateMembershipRole,
  updateOrganization,
} from './tenancy/index.js';
import { getCustomerTimeline, type TimelineQuery } from './timeline/index.js';

/** A user acting inside one organization. */
export interface TenantActor {
  userId: string;
  organizationId: string;
  /**
   * Narrows what this actor may do below their role: RBAC action names or `prefix.*`
   * (set from a widget token's scopes). Omitted: everything the role allows.
   */
  scopes?: readonly string[];
}

/** What the facade needs from the GreenTrack instance. */
export interface TenantDeps {
  db: Kysely<Database>;
  clock: Clock;
  emit: Emit;
  /** The credentials keyring; throws `SECRET_REQUIRED` when no secret is configured. */
  keyring: () => Keyring;
  /** Embeds a segment's query text. */
  embedder: Embedder;
}

/** Options of {@link createTenantFacade}. */
export interface TenantFacadeOptions {
  /**
   * The actor's role, just read by the caller (the HTTP layer reads it to answer 401 for
   * ex-members). The facade's FIRST call uses it instead of reading it again; every later
   * call re-reads the membership as usual.
   */
  role?: Role;
}

/** Binds a service function to an RBAC action: resolve role → authorize → run. */
function bind<Args extends unknown[], Result>(
  deps: TenantDeps,
  actor: TenantActor,
  roleNow: () => Promise<Role>,
  action: Action,
  service: (scope: Scope, ...args: Args) => Promise<Result>,
): (...args: Args) => Promise<Result> {
  return async (...args) => {
    const role = await roleNow();
    authorize(role, action);
    if (actor.scopes !== undefined && !scopeAllows(actor.scopes, action)) {
      throw new GreenTrackError({
        code: CommonErrorCode.FORBIDDEN,
        message: `This token's scopes do not include '${action}'`,
        details: { action, scopes: [...actor.scopes] },
      });
    }
    const scope: Scope = {
      db: deps.db,
      organizationId: actor.organizationId,
      actor: { type: 'user', id: actor.userId },
      role,
      clock: deps.clock,
      emit: deps.emit,
    };
    return service(scope, ...args);
  };
}

/** Builds the facade for `actor`. Cheap: nothing is queried until a method is called. */
export function createTenantFacade(
  deps: TenantDeps,
  actor: TenantActor,
  options: TenantFacadeOptions = {},
) {
  let known = options.role;
  const roleNow = async (): Promise<Role> => {
    if (known === undefined) return resolveRole(deps.db, actor);
    const role = known;
    known = undefined;
    return role;
  };
  const on = <Args extends unknown[], Result>(
    action: Action,
    service: (scope: Scope, ...args: Args) => Promise<Result>,
  ) => bind(deps, actor, roleNow, action, service);
  return {
    /** The acting user and organization. */
    actor,
    /** The role the actor holds now. @throws `NOT_A_MEMBER` */
    role: () => resolveRole(deps.db, actor),
    organization: {
      get: on('organization.read', getOrganization),
      update: on('organization.update', updateOrganization),
    },
    memberships: {
      list: on('membership.read', listMemberships),
      add: on('membership.create', addMembership),
      updateRole: on('membership.update', updateMembershipRole),
      remove: on('membership.delete', removeMembership),
    },
    auditLog: {
      list: on('audit.read', (scope: Scope, query?: AuditLogQuery) => listAuditLog(scope, query)),
    },
    customers: {
      list: on('customer.read', (scope: Scope, query?: CustomerListQuery) =>
        listCustomers(scope, query),
      ),
      get: on('customer.read', getCustomer),
      create: on('customer.write', (scope: Scope, input: CustomerCreate) =>
        createCustomer(scope, input),
      ),
      update: on('customer.write', (scope: Scope, id: string, input: CustomerUpdate) =>
        updateCustomer(scope, id, input),
      ),
      remove: on('customer.delete', deleteCustomer),
      /**
       * Streams a CSV in (admin+): upsert by email, then phone; per-row errors; idempotent.
       * See `importCustomers`.
       */
      import: on('customer.import', (scope: Scope, source: ImportSource, options?: ImportOptions) =>
        importCustomers(scope, source, options),
      ),
      /** One customer's history, newest first, keyset-paginated (`TimelineQuery`). */
      timeline: on('customer.read', (scope: Scope, id: string, query?: TimelineQuery) =>
        getCustomerTimeline(scope, id, query),
      ),
      /** Everything held about one customer as one JSON document (admin+; audited). */
      export: on('customer.export', exportCustomer),
      /** Right to be forgotten: deletes the customer and its history in one transaction (admin+). */
      erase: on('customer.erase', eraseCustomer),
    },
    /**
     * Consent per customer and channel, and the organization's policy (email opt-out and
     * SMS opt-in unless changed). Changes are audited and emitted as `consent.*` events.
     */
    consent: {
      get: on('consent.read', getCustomerConsent),
      set: on('consent.write', setCustomerConsent),
      policy: {
        get: on('consent.read', getConsentPolicy),
        set: on('consent.policy', setConsentPolicy),
      },
    },
    /**
     * Segments: a rule tree, a vector criterion (text embedded by the configured embedder,
     * or an explicit vector, with a minimum cosine similarity), or both (hybrid).
     */
    segments: {
      list: on('segment.read', listSegments),
      get: on('segment.read', getSegment),
      create: on('segment.write', (scope: Scope, input: SegmentCreate) =>
        createSegment(scope, deps, input),
      ),
      update: on('segment.write', (scope: Scope, id: string, input: SegmentUpdate) =>
        updateSegment(scope, deps, id, input),
      ),
      remove: on('segment.delete', deleteSegment),
      /** Exact member count and a sample with reasons (matched predicates, similarity). */
      preview: on('segment.read', (scope: Scope, id: string, options?: SegmentPreviewOptions) =>
        previewSegment(scope, id, options),
      ),
      /** The same for an unsaved draft (the segment builder's live count). */
      previewDraft: on('segment.read', (scope: Scope, draft: SegmentDraft) =>
        previewSegmentDraft(scope, deps, draft),
      ),
    },
    /** Provider credentials, encrypted at rest; only masked hints ever come back. */
    integrations: {
      list: on('integration.read', (scope: Scope, query?: IntegrationAccountQuery) =>
        listIntegrationAccounts(scope, query),
      ),
      get: on('integration.read', getIntegrationAccount),
      create: on('integration.manage', (scope: Scope, input: IntegrationAccountCreate) =>
        createIntegrationAccount(scope, deps.keyring(), input),
      ),
      update: on(
        'integration.manage',
        (scope: Scope, id: string, input: IntegrationAccountUpdate) =>
          updateIntegrationAccount(scope, deps.keyring(), id, input),
      ),
      remove: on('integration.manage', deleteIntegrationAccount),
    },
  };
}

/** The tenant-scoped API returned by `gt.as(...)`. */
export type TenantFacade = ReturnType<typeof createTenantFacade>;
