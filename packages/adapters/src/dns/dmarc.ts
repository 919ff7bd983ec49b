/**
 * DMARC (RFC 7489): one `v=DMARC1` TXT record at `_dmarc.<domain>`, else at the
 * organizational domain (whose `sp=` then applies). Gmail and Yahoo require bulk senders
 * to publish one, with any policy: `p=none` is the minimum.
 */
import { couldNotLookUp, type DnsResolver, lookupTxt } from './lookup.js';
import type { DmarcCheck } from './report.js';

const POLICIES = new Set(['none', 'quarantine', 'reject']);

/** `example.com` for `mail.example.com`: the last two labels (see the README's caveat). */
export function organizationalDomain(domain: string): string {
  return domain.split('.').slice(-2).join('.');
}

function tags(record: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of record.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) out.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  return out;
}

const noRecord = (summary: string, notes: string[]): DmarcCheck => ({
  status: 'fail',
  summary,
  notes,
  record: null,
  foundAt: null,
  policy: null,
  reportTo: [],
  alignment: { dkim: 'r', spf: 'r' },
});

/** Reads and judges the DMARC record that applies to `domain`. */
export async function checkDmarc(resolver: DnsResolver, domain: string): Promise<DmarcCheck> {
  const parent = organizationalDomain(domain);
  const names = parent === domain ? [domain] : [domain, parent];
  for (const at of names) {
    const name = `_dmarc.${at}`;
    const found = await lookupTxt(resolver, name);
    if ('error' in found)
      return { ...noRecord(couldNotLookUp(name, found.error), []), status: 'warn' };
    const records = found.records.filter((r) => /^v=DMARC1\s*(;|$)/i.test(r.trim()));
    if (records.length === 0) continue;
    if (records.length > 1)
      return noRecord(`${records.length} DMARC records at ${name}; receivers ignore them all`, [
        'Keep exactly one v=DMARC1 record.',
      ]);
    const record = (records[0] ?? '').trim();
    const t = tags(record);
    const inherited = at !== domain;
    const raw = ((inherited ? (t.get('sp') ?? t.get('p')) : t.get('p')) ?? '').toLowerCase();
    const alignment = {
      dkim: t.get('adkim')?.toLowerCase() === 's' ? ('s' as const) : ('r' as const),
      spf: t.get('aspf')?.toLowerCase() === 's' ? ('s' as const) : ('r' as const),
    };
    const reportTo = (t.get('rua') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const base = { record, foundAt: name, reportTo, alignment };
    if (!POLICIES.has(raw))
      return {
        ...base,
        status: 'fail',
        policy: null,
        summary: `The DMARC record at ${name} has no valid policy (p=none, quarantine or reject)`,
        notes: [],
      };
    const policy = raw as DmarcCheck['policy'];
    const notes: string[] = [];
    if (policy === 'none')
      notes.push(
        'p=none meets the Gmail/Yahoo minimum; move to p=quarantine, then p=reject, once reports show all your mail passes.',
      );
    if (reportTo.length === 0)
      notes.push(
        'No rua= address: you receive no aggregate reports, so you cannot see who sends as your domain.',
      );
    const pct = t.get('pct');
    if (pct !== undefined && pct !== '100')
      notes.push(`pct=${pct}: the policy applies to only part of failing mail.`);
    return {
      ...base,
      status: 'pass',
      policy,
      summary: `DMARC policy ${policy} ${inherited ? `inherited from ${name}` : `at ${name}`}`,
      notes,
    };
  }
  return noRecord(
    `No DMARC record at _dmarc.${domain}${parent === domain ? '' : ` or _dmarc.${parent}`}`,
    [
      'Gmail and Yahoo require bulk senders to publish one; start with "v=DMARC1; p=none; rua=mailto:dmarc@<your domain>".',
    ],
  );
}
