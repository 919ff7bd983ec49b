/**
 * The period of a live KPI question, in local days of the organization's time zone: what
 * the caller left out filled in (the 30 days ending today), then its length checked.
 */
import { CommonErrorCode, GreenTrackError } from '../errors.js';

/** Longest daily series or top-campaigns period, in days (a leap year). */
const MAX_RANGE_DAYS = 366;
/** A period without `from` ends `to` and is this long. */
const DEFAULT_RANGE_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Both ends, `YYYY-MM-DD`, included. */
export interface LocalPeriod {
  from: string;
  to: string;
}

/** The calendar day at `at` in `timeZone` (`en-CA` formats dates as `YYYY-MM-DD`). */
function localToday(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

const invalid = (path: 'from' | 'to', message: string) =>
  new GreenTrackError({
    code: CommonErrorCode.VALIDATION_FAILED,
    message: `Invalid period: ${path}: ${message}`,
    details: { issues: [{ path, message }] },
  });

/**
 * `to` defaults to today, `from` to 29 days before `to`.
 * @throws `VALIDATION_FAILED` naming `to` when it is before `from` or the period is longer
 * than 366 days
 */
export function resolvePeriod(
  query: { from?: string | undefined; to?: string | undefined },
  timeZone: string,
  now: Date,
): LocalPeriod {
  const to = query.to ?? localToday(now, timeZone);
  const from =
    query.from ??
    new Date(Date.parse(to) - (DEFAULT_RANGE_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (days < 1) throw invalid('to', 'must not be before from');
  if (days > MAX_RANGE_DAYS)
    throw invalid('to', `the period must be at most ${MAX_RANGE_DAYS} days`);
  return { from, to };
}
