export { ImportErrorCode } from './error-codes.js';
export { DEFAULT_MAX_IMPORT_BYTES, IMPORT_ROUTE_PATH } from './routes.js';
export type {
  CustomerField,
  ImportOptions,
  ImportProgress,
  ImportResult,
  ImportRowError,
} from './schema.js';
export { importResultSchema } from './schema.js';
export type { ImportSource } from './service.js';
export { importCustomers } from './service.js';
