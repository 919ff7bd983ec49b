/**
 * The text a customer is embedded from: its "profile".
 *
 * Template (a line is left out when its fields are all empty):
 *
 * ```text
 * {name} ({type})
 * Email domain: {domain of email}
 * Location: {city}, {state}, {country}
 * Tags: {tag}, {tag}, …
 * Notes: {notes}
 * ```
 *
 * For example:
 *
 * ```text
 * Ana Baker (customer)
 * Email domain: example.com
 * Location: Portland, OR, US
 * Tags: VIP, wholesale
 * Notes: Orders sourdough every Friday.
 * ```
 *
 * Left out on purpose: the email's local part, the phone and the street address (personal
 * identifiers that say nothing about what a customer is like, and that would otherwise be
 * sent to a third-party embedding API), ids and timestamps.
 *
 * The same function decides whether an update needs a new embedding: only a change of
 * this text enqueues one (`profileChanged`), so editing a phone number costs nothing.
 */
import type { Selectable } from 'kysely';
import type { CustomersTable } from '../db/types.js';

/** The customer columns the profile is built from. */
export const profileColumns = [
  'name',
  'type',
  'email',
  'city',
  'state',
  'country',
  'tags',
  'notes',
] as const;

/** The fields of a customer that make up its profile. */
export type CustomerProfileFields = Pick<
  Selectable<CustomersTable>,
  (typeof profileColumns)[number]
>;

/** The part after the last `@`, lowercased; `null` without an email. */
function emailDomain(email: string | null): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  return at < 0 ? null : email.slice(at + 1).toLowerCase() || null;
}

/**
 * Renders a customer's profile text with the template above.
 * @example
 * customerProfileText({ name: 'Ana', type: 'lead', email: 'ana@shop.example', city: null,
 *   state: null, country: 'US', tags: ['vip'], notes: null });
 * // 'Ana (lead)\nEmail domain: shop.example\nLocation: US\nTags: vip'
 */
export function customerProfileText(customer: CustomerProfileFields): string {
  const lines = [`${customer.name} (${customer.type})`];
  const domain = emailDomain(customer.email);
  if (domain) lines.push(`Email domain: ${domain}`);
  const location = [customer.city, customer.state, customer.country].filter((v) => !!v?.trim());
  if (location.length) lines.push(`Location: ${location.join(', ')}`);
  if (customer.tags.length) lines.push(`Tags: ${customer.tags.join(', ')}`);
  if (customer.notes?.trim()) lines.push(`Notes: ${customer.notes.trim()}`);
  return lines.join('\n');
}

/** True when the two versions of a customer embed from different text. */
export function profileChanged(
  before: CustomerProfileFields,
  after: CustomerProfileFields,
): boolean {
  return customerProfileText(before) !== customerProfileText(after);
}
