/**
 * IANA time-zone names as the runtime knows them (`Intl`, the tz database bundled with
 * Node's ICU). Dispatch computes local times with the same database, so a name accepted
 * here is one the dispatcher can use.
 */

/**
 * The runtime's canonical spelling of an IANA zone name (`utc` → `UTC`,
 * `america/new_york` → `America/New_York`), or `null` when it is no zone the runtime
 * knows. Offsets such as `+02:00` and legacy abbreviations such as `EST` are refused:
 * they carry no DST rules.
 * @example
 * canonicalTimeZone('europe/london'); // 'Europe/London'
 * canonicalTimeZone('Mars/Olympus');  // null
 */
export function canonicalTimeZone(name: string): string | null {
  // Area/Location names, plus the UTC family; this also keeps offsets and junk away from
  // `Intl`, which would accept `+02:00`.
  if (!/^(?:[A-Za-z][A-Za-z0-9_+-]*\/[A-Za-z0-9_+/-]+|UTC|Etc\/UTC)$/i.test(name)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}
