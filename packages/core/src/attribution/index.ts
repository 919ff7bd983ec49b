/**
 * Attribution: which campaign messages and UTM visits earned each conversion (payments,
 * paid invoices, configured events), credited by the four seed models in integer cents.
 * The worker credits new conversions (`runAttributionPass`); `org.attribution.recompute`
 * rebuilds a window; `org.settings.attribution` decides which touches count.
 */
import { defineModule } from '../module.js';
import { attributionCustomerData } from './customer-data.js';
import { attributionFacade, attributionPermissions } from './facade.js';
import { registerAttributionRoutes } from './routes.js';

export { conversionsSql } from './conversions.js';
export { type AttributionPassDeps, runAttributionPass } from './pass.js';
export type { AttributionSettings } from './settings.js';
export {
  BUILTIN_CONVERSIONS,
  getAttributionSettings,
  REVENUE_PROPERTY,
} from './settings.js';

export const attributionModule = defineModule({
  name: 'attribution',
  customerData: attributionCustomerData,
  tenantTables: ['attributions', 'attribution_state', 'attribution_examined'],
  permissions: attributionPermissions,
  routes: registerAttributionRoutes,
  facade: attributionFacade,
});
