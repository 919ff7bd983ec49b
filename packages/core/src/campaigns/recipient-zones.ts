/**
 * Where a recipient's local time comes from, for quiet hours: the time zones they may be in.
 *
 * In order:
 * 1. the country of their phone number (`libphonenumber-js`): every SMS recipient has an
 *    E.164 number, and the number itself says where it was issued;
 * 2. their address country (`customers.country`): second, because the seed defaults it to
 *    `US`, so it is often a default rather than a fact;
 * 3. the organization's time zone (`organization_settings.time_zone`).
 *
 * A country maps to its zones through `countries-and-timezones` (the IANA tz database's
 * zone-to-country tables). A country with several zones (US, CA, AU, RU, BR…) yields all of
 * them, and quiet hours then hold in each (`nextSendInstant`); knowing the number's area or
 * the customer's state would narrow it, but neither library maps those to zones.
 */
import { getCountry } from 'countries-and-timezones';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** Zones per country, as the runtime's `Intl` knows them; `null` for an unknown country. */
const byCountry = new Map<string, readonly string[] | null>();

/** True when the runtime's tz database knows `zone`. */
function knownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The IANA zones of an ISO 3166-1 alpha-2 country (upper case), or `null` when the country
 * is unknown or has none the runtime knows. Memoized: the tz tables do not change while
 * the process runs.
 */
export function countryZones(country: string): readonly string[] | null {
  const cached = byCountry.get(country);
  if (cached !== undefined) return cached;
  const zones = getCountry(country)?.timezones.filter(knownZone) ?? [];
  const result = zones.length > 0 ? Object.freeze(zones) : null;
  byCountry.set(country, result);
  return result;
}

/** What `recipientZones` reads of a customer. */
export interface RecipientLocation {
  phone: string | null;
  country: string | null;
}

/**
 * Where the zones of a recipient come from, as a stable key (one computation per key and
 * batch): `phone:GB`, `country:US`, or `organization`.
 */
export function recipientZoneKey(recipient: RecipientLocation): string {
  const phoneCountry = recipient.phone
    ? parsePhoneNumberFromString(recipient.phone)?.country
    : undefined;
  if (phoneCountry && countryZones(phoneCountry)) return `phone:${phoneCountry}`;
  const country = recipient.country?.trim().toUpperCase();
  if (country && countryZones(country)) return `country:${country}`;
  return 'organization';
}

/**
 * The zones a recipient may be in (see the module comment), given the key from
 * `recipientZoneKey` and the organization's zone.
 * @example
 * zonesOfKey(recipientZoneKey({ phone: '+447700900123', country: 'US' }), 'UTC');
 * // → ['Europe/London']
 */
export function zonesOfKey(key: string, organizationZone: string): readonly string[] {
  const country = key.slice(key.indexOf(':') + 1);
  return key === 'organization'
    ? [organizationZone]
    : (countryZones(country) ?? [organizationZone]);
}
