export type { AuditLogPage, AuditLogQuery, AuditRecord } from './service.js';
export { listAuditLog, recordAudit } from './service.js';
