/**
 * The composition root: every domain module, listed ONCE. The HTTP app registers their
 * routes, the tenant facade merges their parts, the RBAC table and the error-status table
 * fold over this list — adding a module is its folder plus one line here (see `module.ts`).
 *
 * Order matters only for route registration (and so for the OpenAPI document's order).
 */
import { analyticsModule } from './analytics/index.js';
import { attributionModule } from './attribution/index.js';
import { auditModule } from './audit/index.js';
import { campaignsModule } from './campaigns/index.js';
import { consentModule } from './consent/index.js';
import { customerDataRegistry } from './customer-data.js';
import { customersModule } from './customers/index.js';
import type { Role } from './db/types.js';
import { deliveryEventsModule } from './delivery-events/index.js';
import { embeddingsModule } from './embeddings/index.js';
import { importsModule } from './imports/index.js';
import { integrationsModule } from './integrations/index.js';
import { invoiceDeliveryModule } from './invoice-delivery/index.js';
import { invoiceSyncModule } from './invoice-sync/index.js';
import { invoicesModule } from './invoices/index.js';
import { kpisModule } from './kpis/index.js';
import { messagingModule } from './messaging/index.js';
import type { ModuleDescriptor } from './module.js';
import { paymentLinksModule } from './payment-links/index.js';
import { paymentsModule } from './payments/index.js';
import { privacyModule } from './privacy/index.js';
import { segmentsModule } from './segments/index.js';
import { settingsModule } from './settings/index.js';
import { smsKeywordsModule } from './sms-keywords/index.js';
import { templatesModule } from './templates/index.js';
import { roleAtLeast, tenancyModule } from './tenancy/index.js';
import { timelineModule } from './timeline/index.js';
import { trackingModule } from './tracking/index.js';
import { webhookHandlerRegistry, webhooksModule } from './webhooks/index.js';

export const modules = [
  tenancyModule,
  auditModule,
  customersModule,
  importsModule,
  consentModule,
  settingsModule,
  timelineModule,
  privacyModule,
  integrationsModule,
  segmentsModule,
  templatesModule,
  embeddingsModule,
  messagingModule,
  campaignsModule,
  trackingModule,
  invoicesModule,
  paymentsModule,
  invoiceSyncModule,
  paymentLinksModule,
  invoiceDeliveryModule,
  deliveryEventsModule,
  webhooksModule,
  smsKeywordsModule,
  analyticsModule,
  attributionModule,
  kpisModule,
] as const;

type AnyModule = (typeof modules)[number];

/** Turns `A | B` into `A & B`. */
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (
  x: infer I,
) => void
  ? I
  : never;

type FacadeOf<M> = M extends ModuleDescriptor<string, string, infer F> ? F : never;
// A module without permissions infers `string`: it contributes no action.
type ActionOf<M> =
  M extends ModuleDescriptor<string, infer A, object> ? (string extends A ? never : A) : never;

/** The merged facade parts of every module (one level deep, as `mergeFacadeParts` does). */
export type ModuleFacades = UnionToIntersection<FacadeOf<AnyModule>>;

/** Every RBAC action of every module. */
export type Action = ActionOf<AnyModule>;

/**
 * The RBAC table: action → the least role allowed to perform it, merged from the modules'
 * rows. Read it to render a permissions screen; `can(role, action)` checks one.
 */
export const permissions = Object.freeze(
  Object.assign({}, ...modules.map((m) => ('permissions' in m ? m.permissions : {}))),
) as Readonly<Record<Action, Role>>;

/** True when `role` may perform `action` (by role alone; token scopes narrow further). */
export function can(role: Role, action: Action): boolean {
  return roleAtLeast(role, permissions[action]);
}

/** Every module's tables that hold customer data: what export, erase and the timeline read. */
export const customerData = customerDataRegistry(
  (modules as readonly ModuleDescriptor[]).flatMap((m) => m.customerData ?? []),
);

/**
 * Every table that holds tenant data, as the modules declare them: each carries a
 * row-level-security policy (checked by `db/row-level-security.test.ts`).
 */
export const tenantTables: readonly string[] = (modules as readonly ModuleDescriptor[]).flatMap(
  (m) => m.tenantTables ?? [],
);

/** Every module's webhook handlers: effect kind → the one handler that owns it. */
export const webhookHandlers = webhookHandlerRegistry(modules as readonly ModuleDescriptor[]);
