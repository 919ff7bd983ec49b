/**
 * The audit module's part of `gt.as(actor)`: reading the audit log.
 */
import type { FacadeContext } from '../module.js';
import { type AuditLogPage, type AuditLogQuery, listAuditLog } from './service.js';

/** The audit module's actions. */
export const auditPermissions = { 'audit.read': 'admin' } as const;
type AuditAction = keyof typeof auditPermissions;

export interface AuditFacade {
  auditLog: {
    /**
     * The organization's audit log, newest first, keyset-paginated (admin+): filter by
     * entity, entity id, actor, action and time range.
     */
    list(query?: AuditLogQuery): Promise<AuditLogPage>;
  };
}

export function auditFacade({ on }: FacadeContext<AuditAction>): AuditFacade {
  return {
    auditLog: {
      list: on('audit.read', (scope, query?: AuditLogQuery) => listAuditLog(scope, query)),
    },
  };
}
