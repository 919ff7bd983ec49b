/**
 * The Hono environment of the API: what the auth middleware puts on the context.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { TenantActor, TenantFacade } from '../tenant.js';

export interface ApiEnv {
  Variables: {
    /** The authenticated actor. */
    actor: TenantActor;
    /** The tenant facade for that actor: the only way routes reach data. */
    tenant: TenantFacade;
  };
}

/** The app every module registers its routes on. */
export type ApiApp = OpenAPIHono<ApiEnv>;
