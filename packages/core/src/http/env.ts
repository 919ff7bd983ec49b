/**
 * The Hono environment of the API: what the auth middleware puts on the context.
 *
 * Generic over the tenant facade so that the HTTP kit never imports a domain module: each
 * module registers its routes on `ApiApp<ItsFacadePart>` and sees only its own part; the
 * composition root's app carries the whole `TenantFacade`.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { TenantActor } from '../scope.js';

export interface ApiEnv<Facade extends object = object> {
  Variables: {
    /** The authenticated actor. */
    actor: TenantActor;
    /** The tenant facade for that actor: the only way routes reach data. */
    tenant: Facade;
  };
}

/** The app every module registers its routes on. */
export type ApiApp<Facade extends object = object> = OpenAPIHono<ApiEnv<Facade>>;
