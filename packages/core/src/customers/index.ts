export { CustomerErrorCode } from './error-codes.js';
export { normalizeEmail, normalizePhone, normalizeTags } from './normalize.js';
export type {
  CustomerCreate,
  CustomerCreateData,
  CustomerListQuery,
  CustomerUpdate,
  CustomerValueField,
} from './schema.js';
export {
  customerCreateSchema,
  customerListQuerySchema,
  customerOutSchema,
  customerPageSchema,
  customerUpdateSchema,
  customerValueFields,
  normalizeContactFields,
} from './schema.js';
export type { Customer, CustomerPage } from './service.js';
export {
  createCustomer,
  deleteCustomer,
  getCustomer,
  listCustomers,
  searchTerm,
  updateCustomer,
} from './service.js';
