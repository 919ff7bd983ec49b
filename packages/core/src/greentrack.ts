/**
 * `createGreenTrack`: validates the config, opens the database, and wires the modules.
 */
import { EventEmitter } from 'eventemitter3';
import type { Kysely } from 'kysely';
import { type Clock, systemClock } from './clock.js';
import { type GreenTrackConfig, parseConfig } from './config.js';
import {
  connectDatabase,
  type DialectName,
  type MigrateResult,
  type MigrationStatusEntry,
  migrateToLatest,
  migrationStatus,
  readEmbeddingDimensions,
  refreshMaterializedViews,
} from './db/index.js';
import type { Database } from './db/types.js';
import type { Emit, GreenTrackListeners } from './events.js';
import {
  createOrganization,
  createUser,
  findUserByEmail,
  getUser,
  type OrganizationCreate,
  type SystemContext,
  type UserCreate,
} from './tenancy/index.js';
import { createTenantFacade, type TenantActor, type TenantFacade } from './tenant.js';

/** Default dimension of the `vector` columns (OpenAI `text-embedding-3-small`). */
export const DEFAULT_EMBEDDING_DIMENSIONS = 1536;

/** A running GreenTrack instance. */
export interface GreenTrack {
  /** The Kysely instance (for host queries and tests; services take a `Scope` instead). */
  readonly db: Kysely<Database>;
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
  /** Refreshes the dashboard materialized views. */
  refreshMaterializedViews(options?: { concurrently?: boolean }): Promise<void>;
  /** Subscribes to a typed event. */
  on: EventEmitter<GreenTrackListeners>['on'];
  once: EventEmitter<GreenTrackListeners>['once'];
  off: EventEmitter<GreenTrackListeners>['off'];
  /** Closes what GreenTrack opened (never a caller-owned pool or PGlite). */
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
  const options = parseConfig(config);
  const connection = await connectDatabase(options.database ?? {});
  const { db } = connection;
  const clock = options.clock ?? systemClock;
  const emitter = new EventEmitter<GreenTrackListeners>();
  const emit: Emit = (name, payload) => {
    // eventemitter3's typing of rest args is awkward for a generic key; payload matches.
    (emitter.emit as (event: string, arg: unknown) => boolean)(name, payload);
  };
  const system: SystemContext = { db, clock, emit };
  const migrationContext = {
    embeddingDimensions: options.embeddingDimensions ?? DEFAULT_EMBEDDING_DIMENSIONS,
  };

  return {
    db,
    dialect: connection.dialect,
    clock,
    migrate: () => migrateToLatest(db, migrationContext),
    migrationStatus: () => migrationStatus(db, migrationContext),
    embeddingDimensions: () => readEmbeddingDimensions(db),
    as: (actor) => createTenantFacade({ db, clock, emit }, actor),
    users: {
      create: (input) => createUser(system, input),
      get: (userId) => getUser(system, userId),
      findByEmail: (email) => findUserByEmail(system, email),
    },
    organizations: {
      create: (input) => createOrganization(system, input),
    },
    refreshMaterializedViews: (opts) => refreshMaterializedViews(db, opts),
    on: emitter.on.bind(emitter),
    once: emitter.once.bind(emitter),
    off: emitter.off.bind(emitter),
    close: () => connection.close(),
  };
}
