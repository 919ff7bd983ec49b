/**
 * Audit log: every mutation writes a row in the same transaction (`recordAudit`).
 */
import { defineModule } from '../module.js';
import { auditCustomerData } from './customer-data.js';
import { auditFacade, auditPermissions } from './facade.js';
import { registerAuditRoutes } from './routes.js';

export type { AuditLogPage, AuditLogQuery } from './service.js';
export { recordAudit, recordAudits } from './service.js';

export const auditModule = defineModule({
  name: 'audit',
  tenantTables: ['audit_log'],
  customerData: auditCustomerData,
  permissions: auditPermissions,
  routes: registerAuditRoutes,
  facade: auditFacade,
});
