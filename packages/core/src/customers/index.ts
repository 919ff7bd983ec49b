/**
 * Customers: the CRM records, their normalization, search and CRUD.
 */
import { defineModule } from '../module.js';
import { customersCustomerData } from './customer-data.js';
import type { CustomerErrorCode as Code } from './error-codes.js';
import { customerPermissions, customersFacade } from './facade.js';
import { registerCustomerRoutes } from './routes.js';

export { CustomerErrorCode } from './error-codes.js';
export type { CustomerAction } from './facade.js';
export { normalizeEmail, normalizePhone } from './normalize.js';
export type { CustomerValueField } from './schema.js';
export {
  customerOutSchema,
  customerUpdateSchema,
  customerValueFields,
  normalizeContactFields,
} from './schema.js';
export type { Customer } from './service.js';
export { getCustomer } from './service.js';

export const customersModule = defineModule({
  name: 'customers',
  tenantTables: ['customers', 'tags', 'customer_tags'],
  customerData: customersCustomerData,
  permissions: customerPermissions,
  errorStatus: { CUSTOMER_NOT_FOUND: 404, CUSTOMER_HAS_HISTORY: 409 } satisfies Record<
    Code,
    number
  >,
  routes: registerCustomerRoutes,
  facade: customersFacade,
});
