/**
 * SPF (RFC 7208): exactly one `v=spf1` TXT record on the domain, ending in `-all` or `~all`,
 * within 10 DNS-querying terms, and including the sending provider when one is named.
 * Gmail and Yahoo (February 2024) require SPF of every sender, and SPF and DKIM of bulk
 * senders (5,000+ messages a day to Gmail).
 */
import { couldNotLookUp, type DnsResolver, lookupTxt } from './lookup.js';
import type { CheckStatus, SpfCheck } from './report.js';

/** Terms that cost a DNS lookup (RFC 7208 §4.6.4). */
const LOOKUP_TERMS = new Set(['include', 'a', 'mx', 'ptr', 'exists', 'redirect']);
/** The limit of DNS-querying terms, nested includes counted. */
const MAX_LOOKUPS = 10;

/** The mechanism or modifier name of a term (`include:_spf.google.com` → `include`). */
const termName = (term: string) =>
  term
    .replace(/^[+\-~?]/, '')
    .split(/[:=/]/)[0]
    ?.toLowerCase() ?? '';

function empty(status: CheckStatus, summary: string, notes: string[] = []): SpfCheck {
  return { status, summary, notes, record: null, includes: [], all: null, lookups: 0 };
}

/** Reads the SPF record of `domain` and judges it; `providerIncludes` must each be included. */
export async function checkSpf(
  resolver: DnsResolver,
  domain: string,
  providerIncludes: readonly string[],
): Promise<SpfCheck> {
  const found = await lookupTxt(resolver, domain);
  if ('error' in found) return empty('warn', couldNotLookUp(domain, found.error));
  // A sending domain exists, so NXDOMAIN here means a typo, or a resolver that cannot see
  // it (a sandbox, split-horizon DNS): saying "no SPF record" would send people the wrong way.
  if (found.nxdomain)
    return empty('fail', `${domain} does not exist in DNS (NXDOMAIN)`, [
      'Check the spelling. If the domain is live, the DNS resolver of this server cannot see it: run the check where public DNS is reachable.',
    ]);
  const records = found.records.filter((r) => /^v=spf1(\s|$)/i.test(r.trim()));
  if (records.length === 0)
    return empty('fail', `No SPF record (TXT "v=spf1 …") on ${domain}`, [
      'Gmail and Yahoo require SPF for bulk senders; publish one listing the servers and providers that send as this domain.',
    ]);
  if (records.length > 1)
    return empty('fail', `${records.length} SPF records on ${domain}; there must be one`, [
      'Receivers treat several v=spf1 records as a permanent error (RFC 7208 §4.5): merge them into one.',
    ]);

  const record = (records[0] ?? '').trim();
  const terms = record.split(/\s+/).slice(1);
  const includes = terms
    .filter((t) => termName(t) === 'include')
    .map((t) => t.slice(t.indexOf(':') + 1).toLowerCase());
  const all = terms.find((t) => termName(t) === 'all') ?? null;
  const lookups = terms.filter((t) => LOOKUP_TERMS.has(termName(t))).length;
  const allTerm = all === null ? null : /^[+\-~?]/.test(all) ? all : `+${all}`;
  const redirects = terms.some((t) => termName(t) === 'redirect');

  const problems: { status: CheckStatus; text: string }[] = [];
  if (allTerm === '+all')
    problems.push({
      status: 'fail',
      text: '"+all" lets every server on the internet send as this domain; end with "-all" or "~all".',
    });
  else if (allTerm === '?all')
    problems.push({
      status: 'warn',
      text: '"?all" (neutral) gives receivers no answer for unlisted servers; end with "~all" or "-all".',
    });
  else if (allTerm === null && !redirects)
    problems.push({
      status: 'warn',
      text: 'The record has no "all" term, so unlisted servers get a neutral result; end with "~all" or "-all".',
    });
  if (lookups > MAX_LOOKUPS)
    problems.push({
      status: 'fail',
      text: `${lookups} DNS-querying terms at the top level alone; SPF allows ${MAX_LOOKUPS} (receivers answer permerror).`,
    });
  for (const include of providerIncludes)
    if (!includes.includes(include.toLowerCase()))
      problems.push({
        status: 'fail',
        text: `SPF does not include "include:${include}", so mail your provider sends as ${domain} fails SPF (unless it uses its own return-path domain).`,
      });

  const status = problems.reduce<CheckStatus>(
    (s, p) => (p.status === 'fail' || s === 'fail' ? 'fail' : p.status === 'warn' ? 'warn' : s),
    'pass',
  );
  const notes = problems.map((p) => p.text);
  if (lookups > 0 && lookups <= MAX_LOOKUPS)
    notes.push(
      `${lookups} of ${MAX_LOOKUPS} DNS lookups used at the top level; nested includes count too and were not followed.`,
    );
  const summary =
    status === 'pass'
      ? `SPF record found on ${domain}, ending in ${allTerm ?? 'a redirect'}`
      : `SPF record on ${domain} needs attention: ${problems[0]?.text ?? ''}`;
  return { status, summary, notes, record, includes, all: allTerm, lookups };
}
