/**
 * Data-subject requests: export everything held about a customer, and erase it.
 */
import { defineModule } from '../module.js';
import { unownedCustomerData, unownedTenantTables } from './customer-data.js';
import { privacyFacade, privacyPermissions } from './facade.js';
import { registerPrivacyRoutes } from './routes.js';

export type { CustomerExport, EraseResult } from './service.js';
export { CUSTOMER_EXPORT_FORMAT } from './service.js';

export const privacyModule = defineModule({
  name: 'privacy',
  permissions: privacyPermissions,
  customerData: unownedCustomerData,
  // `attributions`, until the attribution module lands and takes it over.
  tenantTables: unownedTenantTables,
  routes: registerPrivacyRoutes,
  facade: privacyFacade,
});
