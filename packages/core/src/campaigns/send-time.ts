/**
 * The dispatcher's send-time rules, applied to a claimed batch before anything is
 * rendered (one hook in `dispatch.ts`):
 *
 * - **Frequency cap**, re-checked: a recipient who reached the organization's cap for the
 *   channel since the snapshot (other campaigns sent to them meanwhile) is SKIPPED, not
 *   deferred — a campaign is news of its moment, and waiting out a window of days would
 *   hold the run open and send stale content (docs/decisions.md, S2).
 * - **Quiet hours** (SMS; every campaign is marketing): a recipient for whom it is outside
 *   08:00–21:00 local time goes back to `pending` with `not_before` = the next 08:00 in
 *   their zone(s) (`quiet-hours.ts`, `recipient-zones.ts`). Never dropped, and the deferral
 *   gives back the attempt the claim took, so it never uses up `maxAttempts`.
 *
 * Set-based: one statement reads the organization's zone and which recipients of the
 * batch are capped; one statement defers; local times are computed once per distinct
 * zone set, not per recipient.
 */
import { sql } from 'kysely';
import { toJson } from '../db/values.js';
import type { Scope } from '../scope.js';
import { DEFAULT_SENDING_SETTINGS } from '../settings/index.js';
import { sentSince } from './frequency-cap.js';
import { nextSendInstant } from './quiet-hours.js';
import { recipientZoneKey, zonesOfKey } from './recipient-zones.js';

/** The reason recorded on a delivery skipped by the cap. */
export const FREQUENCY_CAP_REASON = 'frequency cap reached since the snapshot';

/** What the rules read of a claimed delivery. */
interface Candidate {
  audience_id: string;
  customer_id: string;
  /** Consent allows sending (the claim's check); the rules leave refused rows alone. */
  allowed: boolean;
  /** The address the message goes to (for SMS, the phone number). */
  address: string;
  /** The customer row (its `country` is read). */
  customer: Readonly<Record<string, unknown>> & { country?: unknown };
}

/** A batch split by the rules. */
export interface SendTimeSplit<T> {
  /** To send now (with the refused rows, which the dispatcher skips itself). */
  due: T[];
  /** Over the frequency cap: to skip. */
  capped: T[];
  /** Sent back to `pending` for later (already written). */
  deferred: number;
}

/**
 * Splits a claimed batch by the frequency cap and quiet hours, and writes the deferrals.
 * `run` names the organization, the channel and the run.
 */
export async function applySendTimeRules<T extends Candidate>(
  scope: Scope,
  run: { organizationId: string; channel: 'email' | 'sms' },
  claimed: T[],
): Promise<SendTimeSplit<T>> {
  const allowed = claimed.filter((row) => row.allowed);
  if (allowed.length === 0) return { due: claimed, capped: [], deferred: 0 };
  const now = scope.clock.now();
  const { timeZone, capped } = await readRules(scope, run, allowed, now);
  const cappedSet = new Set(capped);
  const due: T[] = [];
  const cappedRows: T[] = [];
  const deferred: Array<{ audience_id: string; not_before: string }> = [];
  const nextByKey = new Map<string, Date>();
  for (const row of claimed) {
    if (!row.allowed) due.push(row);
    else if (cappedSet.has(row.customer_id)) cappedRows.push(row);
    else if (run.channel !== 'sms') due.push(row);
    else {
      const country = typeof row.customer.country === 'string' ? row.customer.country : null;
      const key = recipientZoneKey({ phone: row.address, country });
      let next = nextByKey.get(key);
      if (!next) {
        next = nextSendInstant(now, zonesOfKey(key, timeZone));
        nextByKey.set(key, next);
      }
      if (next.getTime() > now.getTime())
        deferred.push({ audience_id: row.audience_id, not_before: next.toISOString() });
      else due.push(row);
    }
  }
  if (deferred.length > 0) await defer(scope, run.organizationId, deferred);
  return { due, capped: cappedRows, deferred: deferred.length };
}

/**
 * The organization's time zone, and the customers of `rows` who reached the channel's
 * frequency cap — one statement (no cap set: none).
 */
async function readRules(
  scope: Scope,
  run: { organizationId: string; channel: 'email' | 'sms' },
  rows: Candidate[],
  now: Date,
): Promise<{ timeZone: string; capped: string[] }> {
  const messages = sql.ref(`os.frequency_cap_${run.channel}_messages`);
  const days = sql.ref(`os.frequency_cap_${run.channel}_days`);
  const since = sql<Date>`${now}::timestamptz - make_interval(days => ${days})`;
  const ids = [...new Set(rows.map((r) => r.customer_id))];
  const { rows: result } = await sql<{ time_zone: string | null; capped: string[] }>`
    SELECT (SELECT time_zone FROM organization_settings WHERE organization_id = ${run.organizationId}) AS time_zone,
           ARRAY(
             SELECT c.id::text
               FROM jsonb_array_elements_text(${toJson(ids)}::jsonb) AS c(id)
               JOIN organization_settings os ON os.organization_id = ${run.organizationId}
              WHERE ${messages} IS NOT NULL
                AND ${sentSince(run.organizationId, run.channel, sql`c.id::uuid`, since)} >= ${messages}
           ) AS capped`.execute(scope.db);
  return {
    timeZone: result[0]?.time_zone ?? DEFAULT_SENDING_SETTINGS.timeZone,
    capped: result[0]?.capped ?? [],
  };
}

/**
 * Sends claimed deliveries back to `pending` until their window opens, giving back the
 * attempt their claim counted. Only rows still `claimed` (this worker's) change.
 */
async function defer(
  scope: Scope,
  organizationId: string,
  rows: Array<{ audience_id: string; not_before: string }>,
): Promise<void> {
  await sql`
    UPDATE campaign_deliveries d
       SET state = 'pending', not_before = x.not_before, attempts = greatest(d.attempts - 1, 0),
           lease_until = NULL, reason = 'quiet hours: deferred to 08:00 local time',
           updated_at = ${scope.clock.now()}
      FROM jsonb_to_recordset(${toJson(rows)}::jsonb) AS x(audience_id uuid, not_before timestamptz)
     WHERE d.audience_id = x.audience_id AND d.organization_id = ${organizationId}
       AND d.state = 'claimed'`.execute(scope.db);
}
