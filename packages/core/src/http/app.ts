/**
 * The HTTP API as one Web-standard handler: `(Request) => Promise<Response>`.
 *
 * Built on Hono + `@hono/zod-openapi`: the zod schemas that validate each request also
 * generate `GET {base}/openapi.json` (OpenAPI 3.1). Order of work per request: CORS →
 * body-size limit → authentication (host `authenticate` or a Bearer widget token) → the
 * route, which reaches data only through the tenant facade (membership + RBAC per call).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import type { Role } from '../db/types.js';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import type { ModuleDeps, ModuleDescriptor } from '../module.js';
import type { TenantActor } from '../scope.js';
import { assertStorableText, toValidationIssues } from '../validation.js';
import { closeWhenBodyUnread, limitBodies } from './body-limit.js';
import type { ApiApp, ApiEnv } from './env.js';
import { HttpErrorCode } from './error-codes.js';
import { consoleLogger, errorResponse, type Logger, type StatusFor } from './errors.js';
import { jsonResponse } from './schemas.js';
import type { TokenService } from './tokens.js';

/** HTTP options of `createGreenTrack({ http })`. */
export interface HttpOptions {
  /**
   * Path prefix every route lives under.
   * @default '/api/greentrack'
   */
  basePath?: string;
  /**
   * Largest accepted request body, in bytes; larger bodies get 413.
   * @default 1048576 (1 MiB)
   */
  maxBodyBytes?: number;
  /**
   * Largest CSV body `POST /customers/import` accepts, in bytes (413 beyond). That route
   * streams its body into the import instead of buffering it, so `maxBodyBytes` does not
   * apply to it.
   * @default 52428800 (50 MiB)
   */
  maxImportBytes?: number;
  /**
   * Origins allowed to call the API from a browser (widgets on another origin). `'*'`
   * allows any origin but not with `credentials`.
   * @default [] (same-origin only)
   */
  corsOrigins?: string[] | '*';
  /**
   * Let browsers send cookies / HTTP auth cross-origin (`Access-Control-Allow-Credentials`).
   * Requires explicit `corsOrigins`.
   * @default false
   */
  corsCredentials?: boolean;
  /** Where server errors are reported. @default console */
  logger?: Logger;
}

/** Resolves the calling user from a request (the host's session, API key, ...). */
export type Authenticate = (request: Request) => Promise<TenantActor | null> | TenantActor | null;

/**
 * What the HTTP app needs from the GreenTrack instance. The kit knows no domain module:
 * the composition root hands it the modules (for their routes), the facade builder, the
 * membership lookup and the error-status table.
 */
export interface HttpDeps<Facade extends object> {
  modules: readonly ModuleDescriptor[];
  moduleDeps: ModuleDeps;
  /** The tenant facade for an actor whose role was just read. */
  facadeFor(actor: TenantActor, role: Role): Facade;
  /** The actor's role in their organization, or `null` when they are not a member. */
  roleOf(actor: TenantActor): Promise<Role | null>;
  statusFor: StatusFor;
  tokens: TokenService | undefined;
  authenticate: Authenticate | undefined;
}

export const DEFAULT_BASE_PATH = '/api/greentrack';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Default cap of a streamed import body (`http.maxImportBytes`): 50 MiB, ~250k typical rows. */
export const DEFAULT_MAX_IMPORT_BYTES = 50 * 1024 * 1024;

/** Paths (below the base) that need no authentication. */
const PUBLIC_PATHS = new Set(['/health', '/openapi.json']);

function unauthenticated(message: string, reason: string): GreenTrackError {
  return new GreenTrackError({
    code: CommonErrorCode.UNAUTHENTICATED,
    message,
    details: { reason },
  });
}

/** Finds the actor of a request, or throws `UNAUTHENTICATED`. */
async function authenticateRequest(
  deps: HttpDeps<object>,
  request: Request,
): Promise<{ actor: TenantActor; role: Role }> {
  const authorization = request.headers.get('authorization');
  let actor: TenantActor | null;
  if (authorization?.toLowerCase().startsWith('bearer ')) {
    if (!deps.tokens)
      throw unauthenticated(
        'Bearer tokens are not enabled (no secret configured)',
        'tokens_disabled',
      );
    const claims = deps.tokens.verify(authorization.slice(7).trim());
    // A widget may say which organization it thinks it acts in; a token for another one is refused.
    const requested = request.headers.get('x-greentrack-organization');
    if (requested && requested !== claims.organizationId) {
      throw unauthenticated('Token was issued for another organization', 'wrong_organization');
    }
    actor = {
      userId: claims.userId,
      organizationId: claims.organizationId,
      ...(claims.scopes ? { scopes: claims.scopes } : {}),
    };
  } else {
    actor = deps.authenticate ? await deps.authenticate(request) : null;
    if (!actor) throw unauthenticated('Authentication required', 'missing');
  }
  const role = await deps.roleOf(actor);
  // Credentials for an organization the user is not (or no longer) in are not valid credentials.
  if (role === null) throw unauthenticated('Not a member of this organization', 'not_a_member');
  return { actor, role };
}

/** Builds the API app (exposed for tests and for hosts that want to add routes). */
export function createApiApp<Facade extends object>(
  deps: HttpDeps<Facade>,
  options: HttpOptions = {},
): ApiApp<Facade> {
  const basePath = (options.basePath ?? DEFAULT_BASE_PATH).replace(/\/+$/, '');
  const logger = options.logger ?? consoleLogger;
  const app = new OpenAPIHono<ApiEnv<Facade>>({
    // zod failures become our error shape, with every bad field listed.
    defaultHook: (result) => {
      if (!result.success) {
        const issues = toValidationIssues(result.error);
        throw new GreenTrackError({
          code: CommonErrorCode.VALIDATION_FAILED,
          message: `Invalid ${result.target}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          details: { location: result.target, issues },
        });
      }
      // The same refusal services apply (see parseInput), for every body, query and param.
      assertStorableText(result.data, { what: result.target, location: result.target });
    },
  }).basePath(basePath) as unknown as ApiApp<Facade>;

  const publicPrefixes = deps.modules.flatMap((m) => m.publicPathPrefixes ?? []);
  const origins = options.corsOrigins ?? [];
  app.use(
    '*',
    cors({
      // An explicit list is echoed back per request (with Vary: Origin), never as '*'.
      origin: origins === '*' ? '*' : (origin) => (origins.includes(origin) ? origin : null),
      credentials: options.corsCredentials ?? false,
      allowHeaders: ['Authorization', 'Content-Type', 'X-GreenTrack-Organization'],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      maxAge: 600,
    }),
  );
  app.use('*', closeWhenBodyUnread);
  // Routes that stream their own body declare it (`streamsOwnBody`); the rest are capped here.
  app.use('*', limitBodies(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES));
  app.use('*', async (c, next) => {
    const path = c.req.path.slice(basePath.length) || '/';
    if (PUBLIC_PATHS.has(path) || publicPrefixes.some((prefix) => path.startsWith(prefix)))
      return next();
    const { actor, role } = await authenticateRequest(deps, c.req.raw);
    c.set('actor', actor);
    // The role just read serves the route's facade call: one membership lookup per request.
    c.set('tenant', deps.facadeFor(actor, role));
    return next();
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerToken', {
    type: 'http',
    scheme: 'bearer',
    description:
      'A widget token from `gt.tokens.issue(...)`; hosts may also authenticate with their own session via `authenticate`.',
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      tags: ['Meta'],
      summary: 'Liveness (no authentication)',
      security: [],
      responses: { 200: jsonResponse(z.object({ status: z.literal('ok') }), 'Alive') },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );
  const routeContext = {
    deps: deps.moduleDeps,
    maxStreamedBodyBytes: options.maxImportBytes ?? DEFAULT_MAX_IMPORT_BYTES,
  };
  for (const module of deps.modules) {
    module.routes?.(app as unknown as ApiApp<object>, routeContext);
  }

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'GreenTrack API',
      version: '1',
      description: 'Customer engagement for small businesses.',
    },
    security: [{ bearerToken: [] }],
  });

  app.notFound((c) =>
    c.json(
      {
        error: {
          code: HttpErrorCode.ROUTE_NOT_FOUND,
          message: `No route for ${c.req.method} ${c.req.path}`,
        },
      },
      404,
    ),
  );
  app.onError((error, c) => errorResponse(error, c.req.raw, logger, deps.statusFor));
  return app;
}
