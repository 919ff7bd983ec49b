/**
 * Numbers and dates as the dashboard shows them, through `Intl` in the page's language
 * (`<html lang>`, else English, as the segment builder does). Formatters are kept per
 * language and options: building one costs far more than formatting with it, and a
 * dashboard formats hundreds of cells.
 */
const lang = () => document.documentElement.lang || 'en';

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${lang()} ${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang(), options);
    numberFormats.set(key, format);
  }
  return format;
}

/** A whole count, grouped: `12,345`. */
export function formatCount(value: number): string {
  return numberFormat({ maximumFractionDigits: 0 }).format(value);
}

/** A ratio (0.256) as a percentage with at most one decimal: `25.6%`. */
export function formatPercent(ratio: number): string {
  return numberFormat({ style: 'percent', maximumFractionDigits: 1 }).format(ratio);
}

/** An instant (ISO 8601) in the user's time zone: `Mar 2, 2026, 9:00 AM`. */
export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

/** Integer cents as money in `currency` (ISO 4217): `$123.45`. */
export function formatMoney(cents: number, currency: string): string {
  return numberFormat({ style: 'currency', currency }).format(cents / 100);
}

/**
 * A calendar day (`YYYY-MM-DD`, already the organization's local day as the API returns it)
 * with `options`. Formatted as a UTC date so the browser's own zone cannot move it a day.
 */
export function formatDay(
  day: string,
  options: Intl.DateTimeFormatOptions = { dateStyle: 'medium' },
): string {
  return new Intl.DateTimeFormat(lang(), { ...options, timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );
}

/** `day` (`YYYY-MM-DD`) moved by `days`. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
