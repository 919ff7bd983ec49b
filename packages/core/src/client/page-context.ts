/**
 * What the browser event tracker reads from the page: the Google Analytics client id from
 * the `_ga` cookie, and the visit's UTM parameters, landing referrer and session id, kept
 * in `sessionStorage` for the tab's session. Pure functions over strings and a `Storage`,
 * so they run (and are tested) anywhere.
 */

/** The UTM parameters of a visit. */
export interface Utm {
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
}

const UTM_KEYS = ['utm_source', 'utm_medium', 'utm_campaign'] as const;

/**
 * The GA client id in a `document.cookie` string: the last two dot-separated parts of the
 * `_ga` cookie (`GA1.1.123456789.1717236000` → `123456789.1717236000`), which is what GA's
 * own reports and the Measurement Protocol call `client_id`. `null` without a well-formed
 * `_ga` cookie (GA4's `_ga_<stream>` cookies are other cookies).
 * @example gaClientIdFromCookie('theme=dark; _ga=GA1.1.123.456') // '123.456'
 */
export function gaClientIdFromCookie(cookie: string): string | null {
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== '_ga') continue;
    let value = part.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      return null;
    }
    const pieces = value.split('.');
    const id = pieces.slice(-2);
    return pieces.length >= 4 && id.every((p) => /^\d{1,20}$/.test(p)) ? id.join('.') : null;
  }
  return null;
}

/** The UTM parameters of a query string (`location.search`); empty values are ignored. */
export function utmFromSearch(search: string): Utm {
  const params = new URLSearchParams(search);
  const utm: Utm = {};
  for (const key of UTM_KEYS) {
    const value = params.get(key)?.trim();
    if (value) utm[key] = value.slice(0, 255);
  }
  return utm;
}

/** The part of the Web Storage API the tracker uses (`sessionStorage`). */
export interface SessionStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const KEY = 'greentrack.visit';

/** What the tracker keeps for the tab's session. */
export interface Visit {
  /** A random uuid per tab session (`events.session_id`). */
  session_id: string;
  utm: Utm;
  /** The referrer of the session's landing page, when it was another site. */
  referrer: string | null;
}

function randomUuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Outside secure contexts randomUUID is missing; getRandomValues is not.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The tab's visit: read from `store`, started on the first page of the session. A page
 * opened with UTM parameters replaces the stored ones (a new campaign click); pages
 * without keep the landing page's, so an event three pages later still carries them.
 * An external `referrer` is kept only from the landing page.
 */
export function currentVisit(
  store: SessionStore | undefined,
  page: { search: string; referrer: string; hostname: string },
): Visit {
  let stored: Visit | null = null;
  try {
    const text = store?.getItem(KEY);
    stored = text ? (JSON.parse(text) as Visit) : null;
  } catch {
    stored = null; // storage disabled or a foreign value: start over
  }
  const utm = utmFromSearch(page.search);
  let external: string | null = null;
  try {
    external =
      page.referrer && new URL(page.referrer).hostname !== page.hostname ? page.referrer : null;
  } catch {
    external = null;
  }
  const visit: Visit = {
    session_id: stored?.session_id ?? randomUuid(),
    utm: Object.keys(utm).length > 0 ? utm : (stored?.utm ?? {}),
    referrer: stored ? stored.referrer : external,
  };
  try {
    store?.setItem(KEY, JSON.stringify(visit));
  } catch {
    // Storage full or disabled: the visit lives for this page only.
  }
  return visit;
}
