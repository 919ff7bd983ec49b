/**
 * Quiet hours, as properties over time zones and instants — with DST transition days drawn
 * on purpose: whatever `now`, the next send instant is inside 08:00–21:00 local time, never
 * earlier than `now`, `now` itself when `now` is inside, and otherwise the EARLIEST such
 * instant (the window's opening, 08:00 local). Zones with several DST rules: New York and
 * London (1 h shifts on different days), Lord Howe (a 30-minute shift), Santiago (shifts at
 * local midnight), Kathmandu (+05:45, no DST). Pure time arithmetic: no database.
 */
import { TZDate } from '@date-fns/tz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { insideWindow, nextSendInstant, QUIET_HOURS_WINDOW } from './quiet-hours.js';
import { countryZones, recipientZoneKey, zonesOfKey } from './recipient-zones.js';

const ZONES = [
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'America/Santiago',
  'UTC',
];

const HOUR = 3_600_000;
const FROM = Date.UTC(2025, 0, 1);
const TO = Date.UTC(2028, 0, 1);

/** The instants in [FROM, TO) where `zone`'s UTC offset changes, found by an hourly scan. */
function transitions(zone: string): number[] {
  const found: number[] = [];
  let previous = new TZDate(FROM, zone).getTimezoneOffset();
  for (let t = FROM + HOUR; t < TO; t += HOUR) {
    const offset = new TZDate(t, zone).getTimezoneOffset();
    if (offset !== previous) found.push(t);
    previous = offset;
  }
  return found;
}

const TRANSITIONS = new Map(ZONES.map((zone) => [zone, transitions(zone)]));

/** Any instant, or one within 36 hours of a DST change of `zone` (half of the draws). */
function instantNear(zone: string): fc.Arbitrary<Date> {
  const uniform = fc.integer({ min: FROM, max: TO - 1 });
  const changes = TRANSITIONS.get(zone) ?? [];
  const nearChange =
    changes.length === 0
      ? uniform
      : fc
          .tuple(fc.constantFrom(...changes), fc.integer({ min: -36 * HOUR, max: 36 * HOUR }))
          .map(([t, d]) => t + d);
  return fc.oneof(uniform, nearChange).map((t) => new Date(t));
}

const zoneAndInstant = fc
  .constantFrom(...ZONES)
  .chain((zone) => instantNear(zone).map((now) => ({ zone, now })));

/** Local wall-clock minutes of `at` in `zone`. */
const localMinutes = (at: Date, zone: string) => {
  const local = new TZDate(at.getTime(), zone);
  return local.getHours() * 60 + local.getMinutes() + local.getSeconds() / 60;
};

describe('quiet hours', () => {
  it('finds DST changes to test around in every zone that has them', () => {
    for (const zone of ['America/New_York', 'Europe/London', 'Australia/Lord_Howe'])
      expect(TRANSITIONS.get(zone)).toHaveLength(6);
    expect(TRANSITIONS.get('Asia/Kathmandu')).toEqual([]);
  });

  it('the next send instant is inside the local window, never early, now when now is inside, else the opening', () => {
    fc.assert(
      fc.property(zoneAndInstant, ({ zone, now }) => {
        const next = nextSendInstant(now, [zone]);
        expect(next.getTime()).toBeGreaterThanOrEqual(now.getTime());
        expect(insideWindow(next, zone)).toBe(true);
        const minutes = localMinutes(next, zone);
        expect(minutes).toBeGreaterThanOrEqual(QUIET_HOURS_WINDOW.start);
        expect(minutes).toBeLessThan(QUIET_HOURS_WINDOW.end);
        if (insideWindow(now, zone)) expect(next.getTime()).toBe(now.getTime());
        else {
          // The earliest: exactly 08:00 local, less than a day away, and nothing in between
          // is inside the window (checked every 10 minutes and just before).
          expect(minutes).toBe(QUIET_HOURS_WINDOW.start);
          expect(next.getTime() - now.getTime()).toBeLessThanOrEqual(24 * HOUR);
          expect(insideWindow(new Date(next.getTime() - 1), zone)).toBe(false);
          for (let t = now.getTime(); t < next.getTime(); t += 600_000)
            expect(insideWindow(new Date(t), zone)).toBe(false);
        }
      }),
      { seed: 20_261_130, numRuns: 2000 },
    );
  });

  it('across every zone of a multi-zone country, the instant is inside the window in each one', () => {
    const countries = ['US', 'AU', 'RU', 'BR', 'CA', 'MX'];
    fc.assert(
      fc.property(
        fc.constantFrom(...countries),
        fc.integer({ min: FROM, max: TO - 1 }),
        (country, t) => {
          const zones = countryZones(country) ?? [];
          expect(zones.length).toBeGreaterThan(1);
          const now = new Date(t);
          const next = nextSendInstant(now, zones);
          expect(next.getTime()).toBeGreaterThanOrEqual(now.getTime());
          for (const zone of zones) expect(insideWindow(next, zone)).toBe(true);
          if (zones.every((zone) => insideWindow(now, zone)))
            expect(next.getTime()).toBe(now.getTime());
        },
      ),
      { seed: 20_261_201, numRuns: 300 },
    );
  });

  it('examples: spring forward in New York, the US window, Kathmandu’s +05:45', () => {
    // 06:30 EDT on the day clocks jump from 02:00 to 03:00 → 08:00 EDT the same day.
    expect(nextSendInstant(new Date('2026-03-08T10:30:00Z'), ['America/New_York'])).toEqual(
      new Date('2026-03-08T12:00:00Z'),
    );
    // 21:00 exactly is outside: the next morning.
    expect(nextSendInstant(new Date('2026-06-01T20:00:00Z'), ['Europe/London'])).toEqual(
      new Date('2026-06-02T07:00:00Z'),
    );
    expect(nextSendInstant(new Date('2026-06-01T01:00:00Z'), ['Asia/Kathmandu'])).toEqual(
      new Date('2026-06-01T02:15:00Z'),
    );
    // A US number: 08:00 in Honolulu (UTC-10) is the first instant inside every US zone.
    const us = zonesOfKey(recipientZoneKey({ phone: '+14155550100', country: null }), 'UTC');
    expect(nextSendInstant(new Date('2026-07-01T03:00:00Z'), us)).toEqual(
      new Date('2026-07-01T18:00:00Z'),
    );
  });

  it('takes the zones from the phone number, then the address country, then the organization', () => {
    expect(recipientZoneKey({ phone: '+9779841234567', country: 'US' })).toBe('phone:NP');
    // A number of no country (international freephone): the address country decides.
    expect(recipientZoneKey({ phone: '+80012345678', country: 'gb' })).toBe('country:GB');
    expect(recipientZoneKey({ phone: '+80012345678', country: 'ZZ' })).toBe('organization');
    expect(recipientZoneKey({ phone: null, country: null })).toBe('organization');
    expect(zonesOfKey('phone:NP', 'UTC')).toEqual(['Asia/Kathmandu']);
    expect(zonesOfKey('organization', 'Europe/Paris')).toEqual(['Europe/Paris']);
  });
});
