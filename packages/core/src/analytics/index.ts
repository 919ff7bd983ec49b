/**
 * Analytics: product and marketing events (`events`) recorded by servers and by the
 * browser helper of `@greentrack/core/client`, and the GA client ids seen with them
 * (`ga_sessions`). Events feed the customer timeline, segments' `event` predicate and
 * attribution.
 */
import { defineModule } from '../module.js';
import { analyticsCustomerData } from './customer-data.js';
import { analyticsFacade, analyticsPermissions } from './facade.js';
import { registerAnalyticsRoutes } from './routes.js';

export type { AnalyticsFacade } from './facade.js';
export type { AnalyticsEvent, EventPage } from './list.js';
export type { EventListQuery, TrackEvent } from './schema.js';
export type { TrackResult } from './track.js';

export const analyticsModule = defineModule({
  name: 'analytics',
  tenantTables: ['events', 'ga_sessions'],
  customerData: analyticsCustomerData,
  permissions: analyticsPermissions,
  routes: registerAnalyticsRoutes,
  facade: analyticsFacade,
});
