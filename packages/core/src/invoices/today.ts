/**
 * "Today" for invoices: a due date is a calendar date of the business, so whether an invoice
 * is past due depends on the date in the organization's time zone
 * (`organization_settings.time_zone`, default UTC), not on the server's or UTC's date.
 */
import { TZDate } from '@date-fns/tz';
import type { Scope } from '../scope.js';

/** The time zone the organization's sending settings name (`UTC` when none are stored). */
export async function organizationTimeZone(scope: Scope): Promise<string> {
  const row = await scope.db
    .selectFrom('organization_settings')
    .select('time_zone')
    .where('organization_id', '=', scope.organizationId)
    .executeTakeFirst();
  return row?.time_zone ?? 'UTC';
}

/**
 * The calendar date at instant `at` in `timeZone`, as `YYYY-MM-DD` (what a `date` column
 * holds, so dates compare as strings).
 * @example localDate(new Date('2026-03-01T03:00:00Z'), 'America/New_York') // '2026-02-28'
 */
export function localDate(at: Date, timeZone: string): string {
  const local = new TZDate(at.getTime(), timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}`;
}

/** The organization's today by the scope's clock. */
export async function organizationToday(scope: Scope): Promise<string> {
  return localDate(scope.clock.now(), await organizationTimeZone(scope));
}
