/**
 * Data-subject requests: export everything held about a customer, and erase it.
 */
import { defineModule } from '../module.js';
import { privacyFacade, privacyPermissions } from './facade.js';
import { registerPrivacyRoutes } from './routes.js';

export type { CustomerExport, EraseResult } from './service.js';
export { CUSTOMER_EXPORT_FORMAT } from './service.js';

export const privacyModule = defineModule({
  name: 'privacy',
  permissions: privacyPermissions,
  routes: registerPrivacyRoutes,
  facade: privacyFacade,
});
