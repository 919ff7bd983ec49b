/**
 * Normalization of customer contact data, applied on every write path (API, import).
 */
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/** Trims and validates an email; `null` when it is not a plausible address. */
export function normalizeEmail(raw: string): string | null {
  const email = raw.trim();
  // Deliberately plain: one @, no spaces, a dot in the domain. Deliverability is the
  // provider's business; this only keeps obvious garbage out of the CRM.
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) && email.length <= 320 ? email : null;
}

/**
 * Parses a phone number to E.164 (`+14155552671`), reading national formats in the
 * customer's country (ISO 3166 alpha-2). `null` when it is not a valid number.
 */
export function normalizePhone(raw: string, country: string | null | undefined): string | null {
  const region = country && /^[A-Z]{2}$/.test(country) ? (country as CountryCode) : undefined;
  const parsed = parsePhoneNumberFromString(raw.trim(), region);
  return parsed?.isValid() ? parsed.number : null;
}

/** Trims tag names and drops empty and case-insensitive duplicates (first spelling wins). */
export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim();
    const key = tag.toLowerCase();
    if (tag && !seen.has(key)) {
      seen.add(key);
      out.push(tag);
    }
  }
  return out;
}
