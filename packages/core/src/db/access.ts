/**
 * How code reaches the database once row-level security is on: a Kysely instance per unit
 * of trust.
 *
 * - `tenant(organizationId)`: every unit of work — a transaction, or a single statement
 *   outside one — runs in a transaction that starts as `greentrack_app` with
 *   `greentrack.organization_id` set, both transaction-local. Reads included.
 * - `system(why)`: the same as `greentrack_system`, which sees every organization. The
 *   named, greppable road for host work; each call site says why it spans organizations.
 * - `login`: the connection as the host configured it, for migrations and DDL.
 *
 * Transaction-local, not per session, because PGlite is one session shared by the login
 * (migrations) and the library's work, and because a pooled connection then never carries
 * a role or an organization into the next unit of work, whatever happened to the last one.
 */
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  type PostgresDialect,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import { TENANT_PLANNER_SETTINGS } from './planner-settings.js';
import { APP_ROLE, ORGANIZATION_SETTING, SYSTEM_ROLE } from './row-level-security.js';
import type { Database } from './types.js';

/** The ways to the database; see the module comment. */
export interface DatabaseAccess {
  /** Row-level security on: tenant and system work switch roles. */
  readonly rowLevelSecurity: boolean;
  /** The connection as configured: migrations, DDL, the host's own queries. */
  readonly login: Kysely<Database>;
  /** Work confined to one organization (the only road tenant services get). */
  tenant(organizationId: string): Kysely<Database>;
  /**
   * Host work across organizations. `why` documents the call site; it is not sent anywhere.
   * @example access.system('the worker claims due jobs of every organization')
   */
  system(why: string): Kysely<Database>;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The first statement of a tenant transaction: role, organization and planner settings
 * (`planner-settings.ts`). The id is checked, then inlined.
 */
function tenantPreamble(organizationId: string): string {
  if (!uuid.test(organizationId)) {
    throw new GreenTrackError({
      code: CommonErrorCode.VALIDATION_FAILED,
      message: 'organizationId must be a UUID',
      details: { issues: [{ path: 'organizationId', message: 'must be a UUID' }] },
    });
  }
  return `SELECT set_config('role', '${APP_ROLE}', true), set_config('${ORGANIZATION_SETTING}', '${organizationId}', true), ${TENANT_PLANNER_SETTINGS}`;
}

const systemPreamble = `SELECT set_config('role', '${SYSTEM_ROLE}', true), set_config('${ORGANIZATION_SETTING}', '', true)`;

/**
 * A connection whose statements run inside a transaction that began with the preamble.
 * A statement outside an explicit transaction opens an implicit one, committed when the
 * connection goes back to the pool.
 */
class ScopedConnection implements DatabaseConnection {
  /** `implicit`: opened by the first statement; `explicit`: by `beginTransaction`. */
  state: 'idle' | 'implicit' | 'explicit' = 'idle';

  constructor(
    readonly inner: DatabaseConnection,
    readonly preamble: () => string,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    await this.openImplicit();
    return this.inner.executeQuery<R>(query);
  }

  async *streamQuery<R>(
    query: CompiledQuery,
    chunkSize: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    await this.openImplicit();
    yield* this.inner.streamQuery<R>(query, chunkSize);
  }

  private async openImplicit(): Promise<void> {
    if (this.state !== 'idle') return;
    // One round trip: a simple-protocol query may hold two statements.
    await this.inner.executeQuery(CompiledQuery.raw(`BEGIN; ${this.preamble()}`));
    this.state = 'implicit';
  }

  /** Commits the implicit transaction, if one is open (an aborted one rolls back). */
  async closeImplicit(): Promise<void> {
    if (this.state !== 'implicit') return;
    this.state = 'idle';
    await this.inner.executeQuery(CompiledQuery.raw('COMMIT'));
  }
}

/** Wraps the shared Postgres driver: same pool, every unit of work scoped. */
class ScopedDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly preamble: () => string,
  ) {}

  async init(): Promise<void> {
    // The shared driver is initialized once, by `createDatabaseAccess`.
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new ScopedConnection(await this.inner.acquireConnection(), this.preamble);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    const scoped = connection as ScopedConnection;
    await scoped.closeImplicit();
    // The inner driver's BEGIN [ISOLATION LEVEL …] with the preamble after it, in one
    // simple-protocol query: one round trip per transaction instead of two, and an
    // isolation level set by the caller still applies.
    await this.inner.beginTransaction(
      {
        executeQuery: <R>(begin: CompiledQuery) =>
          scoped.inner.executeQuery<R>(CompiledQuery.raw(`${begin.sql}; ${scoped.preamble()}`)),
        streamQuery: (query, chunkSize) => scoped.inner.streamQuery(query, chunkSize),
      },
      settings,
    );
    scoped.state = 'explicit';
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const scoped = connection as ScopedConnection;
    scoped.state = 'idle';
    await this.inner.commitTransaction(scoped.inner);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const scoped = connection as ScopedConnection;
    scoped.state = 'idle';
    await this.inner.rollbackTransaction(scoped.inner);
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['savepoint']>>[2],
  ): Promise<void> {
    await this.inner.savepoint?.((connection as ScopedConnection).inner, name, compile);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['rollbackToSavepoint']>>[2],
  ): Promise<void> {
    await this.inner.rollbackToSavepoint?.((connection as ScopedConnection).inner, name, compile);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['releaseSavepoint']>>[2],
  ): Promise<void> {
    await this.inner.releaseSavepoint?.((connection as ScopedConnection).inner, name, compile);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const scoped = connection as ScopedConnection;
    try {
      await scoped.closeImplicit();
    } finally {
      await this.inner.releaseConnection(scoped.inner);
    }
  }

  async destroy(): Promise<void> {
    // The login's Kysely owns the pool and ends it.
  }
}

/**
 * Builds the ways to the database over one pool. `dialect` is the login's dialect (its
 * adapter and compiler are reused); `driver` a second driver over the same pool.
 */
export async function createDatabaseAccess(options: {
  login: Kysely<Database>;
  dialect: PostgresDialect;
  driver: Driver;
  rowLevelSecurity: boolean;
}): Promise<DatabaseAccess> {
  const { login, dialect, driver, rowLevelSecurity } = options;
  await driver.init();
  const scoped = (preamble: () => string): Kysely<Database> => {
    const scopedDialect: Dialect = {
      createAdapter: () => dialect.createAdapter(),
      createDriver: () => new ScopedDriver(driver, preamble),
      createIntrospector: (db) => dialect.createIntrospector(db),
      createQueryCompiler: () => dialect.createQueryCompiler(),
    };
    return new Kysely<Database>({ dialect: scopedDialect });
  };
  const system = rowLevelSecurity ? scoped(() => systemPreamble) : login;
  return {
    rowLevelSecurity,
    login,
    tenant: (organizationId) =>
      rowLevelSecurity ? scoped(() => tenantPreamble(organizationId)) : login,
    system: () => system,
  };
}
