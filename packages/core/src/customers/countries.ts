/**
 * The ISO 3166-1 alpha-2 country codes a customer may carry.
 *
 * Built from libphonenumber-js's list (every country with a phone numbering plan, kept up
 * to date with that dependency) plus the seven ISO territories that have none. That list
 * also holds AC, TA (ISO-reserved) and XK (user-assigned, used for Kosovo): they are kept,
 * since phone numbers there normalize like any other.
 */
import { getCountries } from 'libphonenumber-js';

/** ISO 3166-1 codes without a phone numbering plan of their own (so not in libphonenumber). */
const WITHOUT_PHONE_PLAN = ['AQ', 'BV', 'GS', 'HM', 'PN', 'TF', 'UM'] as const;

const COUNTRY_CODES: ReadonlySet<string> = new Set<string>([
  ...getCountries(),
  ...WITHOUT_PHONE_PLAN,
]);

/** True for an upper-case ISO 3166-1 alpha-2 code, e.g. `US`; false for `ZZ` or `EU`. */
export function isCountryCode(code: string): boolean {
  return COUNTRY_CODES.has(code);
}
