export { customerExportSchema, eraseResultSchema } from './schema.js';
export type { CustomerExport, EraseResult, ExportCounts } from './service.js';
export { CUSTOMER_EXPORT_FORMAT, eraseCustomer, exportCustomer, REDACTED } from './service.js';
