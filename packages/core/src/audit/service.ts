/**
 * The audit trail: one `audit_log` row per mutation, written in the mutation's own
 * transaction so the trail and the data can never disagree.
 */

import { z } from 'zod';
import type { AuditLogEntry } from '../db/types.js';
import { toJson } from '../db/values.js';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import { decodeCursor } from '../pagination/cursor.js';
import { keysetAfter, keysetFetchSize, keysetPage } from '../pagination/keyset.js';
import type { Scope } from '../scope.js';
import { assertStorableText } from '../validation.js';

/** What changed, for one audit row. */
export interface AuditRecord {
  /** Dotted verb, e.g. `membership.update`. */
  action: string;
  /** Table-like entity name, e.g. `membership`. */
  entity: string;
  entityId?: string | null;
  /** State before the change (omit for creations). Must hold no secrets. */
  before?: unknown;
  /** State after the change (omit for deletions). Must hold no secrets. */
  after?: unknown;
}

/**
 * Writes one audit row. Must run inside `inTransaction`: an audit row written outside the
 * mutation's transaction could survive a rolled-back change.
 */
export async function recordAudit(scope: Scope, record: AuditRecord): Promise<AuditLogEntry> {
  if (!scope.db.isTransaction) {
    throw new GreenTrackError({
      code: CommonErrorCode.INTERNAL,
      message: 'recordAudit must run inside the mutation transaction',
    });
  }
  return scope.db
    .insertInto('audit_log')
    .values({
      organization_id: scope.organizationId,
      actor_type: scope.actor.type,
      actor_id: scope.actor.id,
      action: record.action,
      entity: record.entity,
      entity_id: record.entityId ?? null,
      before: record.before === undefined ? null : toJson(toPlainJson(record.before)),
      after: record.after === undefined ? null : toJson(toPlainJson(record.after)),
      occurred_at: scope.clock.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Dates become ISO strings; everything else goes through JSON as is. */
function toPlainJson(value: unknown): Record<string, unknown> | unknown[] {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown> | unknown[];
}

/** Filters and page for `listAuditLog`. */
export interface AuditLogQuery {
  entity?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  /** Inclusive lower bound on `occurred_at`. */
  from?: Date;
  /** Exclusive upper bound on `occurred_at`. */
  to?: Date;
  /** @default 50 */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/** One page of audit rows, newest first. */
export interface AuditLogPage {
  items: AuditLogEntry[];
  /** Pass back as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null;
}

/** Sort key of the audit list: (occurred_at, id). */
const auditCursorSchema = z.object({ at: z.iso.datetime(), id: z.uuid() });

/**
 * Lists the scope's organization's audit rows, newest first, with keyset pagination on
 * `(occurred_at, id)` so pages stay stable while new rows arrive.
 */
export async function listAuditLog(scope: Scope, query: AuditLogQuery = {}): Promise<AuditLogPage> {
  // Filters go into SQL as text: the same refusal as every other service input.
  assertStorableText(query, { what: 'audit query' });
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
  let q = scope.db
    .selectFrom('audit_log')
    .selectAll()
    .where('organization_id', '=', scope.organizationId);
  if (query.entity !== undefined) q = q.where('entity', '=', query.entity);
  if (query.entityId !== undefined) q = q.where('entity_id', '=', query.entityId);
  if (query.actorId !== undefined) q = q.where('actor_id', '=', query.actorId);
  if (query.action !== undefined) q = q.where('action', '=', query.action);
  if (query.from !== undefined) q = q.where('occurred_at', '>=', query.from);
  if (query.to !== undefined) q = q.where('occurred_at', '<', query.to);
  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor, auditCursorSchema, 'the audit log');
    q = q.where(
      keysetAfter('desc', [
        ['occurred_at', cursor.at, 'timestamptz'],
        ['id', cursor.id, 'uuid'],
      ]),
    );
  }
  const rows = await q
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(keysetFetchSize(limit))
    .execute();
  // Written from the clock's Date, so milliseconds are all `occurred_at` has.
  return keysetPage(rows, limit, (last) => ({ at: last.occurred_at.toISOString(), id: last.id }));
}
