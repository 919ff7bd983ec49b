/**
 * Quiet hours: marketing SMS goes out only between 08:00 and 21:00 in the recipient's local
 * time (the common legal baseline, e.g. the TCPA's 8 a.m.–9 p.m.). Pure time arithmetic,
 * no database: `nextSendInstant` says when a recipient may next be texted.
 *
 * A recipient may have several candidate zones (a phone country with many zones, see
 * `recipient-zones.ts`); then the instant must be inside the window in EVERY one of them,
 * so nobody in that country is texted at night whichever zone they live in.
 *
 * Local wall-clock times come from `@date-fns/tz` (the runtime's `Intl` tz database), so
 * DST changes and odd offsets (Australia/Lord_Howe's 30-minute DST, Asia/Kathmandu's
 * +05:45) are handled by the tz data, not by offset arithmetic here.
 */
import { TZDate } from '@date-fns/tz';

/** A daily window of local time, in minutes after midnight: `[start, end)`. */
export interface LocalWindow {
  start: number;
  end: number;
}

/** 08:00 (inclusive) to 21:00 (exclusive), local time. */
export const QUIET_HOURS_WINDOW: Readonly<LocalWindow> = Object.freeze({
  start: 8 * 60,
  end: 21 * 60,
});

/**
 * Steps of the search over several zones. Each step lands on the start of some zone's
 * window, and a country's zones span at most ~11 hours (Russia), so a common window
 * exists and is found in a few steps; the bound only stops a zone set without one.
 */
const MAX_STEPS = 64;

/** Minutes after local midnight of `at` in `zone` (fractions of a minute kept). */
function localMinutes(at: TZDate): number {
  return (
    at.getHours() * 60 + at.getMinutes() + at.getSeconds() / 60 + at.getMilliseconds() / 60_000
  );
}

/** True when `at` is inside `window` in `zone`. */
export function insideWindow(
  at: Date,
  zone: string,
  window: LocalWindow = QUIET_HOURS_WINDOW,
): boolean {
  const minutes = localMinutes(new TZDate(at.getTime(), zone));
  return minutes >= window.start && minutes < window.end;
}

/** The earliest instant ≥ `at` inside `window` in one zone. */
function nextInZone(at: Date, zone: string, window: LocalWindow): Date {
  const local = new TZDate(at.getTime(), zone);
  const minutes = localMinutes(local);
  if (minutes >= window.start && minutes < window.end) return at;
  // Before the window: today's start; after it: tomorrow's. The constructor takes a local
  // wall-clock time in the zone (day overflow rolls into the next month).
  const day = local.getDate() + (minutes >= window.end ? 1 : 0);
  const start = new TZDate(
    local.getFullYear(),
    local.getMonth(),
    day,
    Math.floor(window.start / 60),
    window.start % 60,
    0,
    zone,
  );
  return new Date(start.getTime());
}

/**
 * The earliest instant at or after `now` that is inside the window in every zone of
 * `zones`: `now` itself when it already is. An empty `zones` means no constraint.
 *
 * @example
 * // 06:30 in New York on the spring-forward day → 08:00 EDT (12:00 UTC)
 * nextSendInstant(new Date('2026-03-08T10:30:00Z'), ['America/New_York']);
 * // → 2026-03-08T12:00:00.000Z
 */
export function nextSendInstant(
  now: Date,
  zones: readonly string[],
  window: LocalWindow = QUIET_HOURS_WINDOW,
): Date {
  let at = now;
  for (let step = 0; step < MAX_STEPS; step++) {
    let next = at;
    for (const zone of zones) {
      const candidate = nextInZone(at, zone, window);
      if (candidate.getTime() > next.getTime()) next = candidate;
    }
    if (next.getTime() === at.getTime()) return at;
    at = next;
  }
  // No common window (never for a real country's zones): the first zone alone decides.
  return nextInZone(now, zones[0] ?? 'UTC', window);
}
