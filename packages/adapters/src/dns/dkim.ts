/**
 * DKIM (RFC 6376): a public key at `<selector>._domainkey.<domain>`, as a TXT record
 * (`v=DKIM1; k=rsa; p=…`) or a CNAME to the provider's copy (SendGrid, Postmark, SES). Gmail
 * and Yahoo require DKIM of bulk senders, with RSA keys of at least 1,024 bits. Selectors
 * cannot be listed from DNS, so the caller names them.
 */
import { createPublicKey } from 'node:crypto';
import { couldNotLookUp, type DnsResolver, lookupCname, lookupTxt } from './lookup.js';
import type { DkimCheck, DkimSelectorCheck } from './report.js';
import { worst } from './report.js';

/** Shortest RSA key Gmail accepts (its 2024 sender guidelines ask for 1,024 or more; 2,048 is advised). */
const MIN_RSA_BITS = 1024;

/** The tags of a DKIM key record (`k=rsa; p=MIIB…`). */
function tags(record: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of record.split(';')) {
    const at = part.indexOf('=');
    if (at > 0)
      out.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).replace(/\s+/g, ''));
  }
  return out;
}

/** Bits of an RSA public key given as base64 SubjectPublicKeyInfo; null if it does not parse. */
function rsaBits(base64: string): number | null {
  try {
    const key = createPublicKey({
      key: Buffer.from(base64, 'base64'),
      format: 'der',
      type: 'spki',
    });
    return key.asymmetricKeyDetails?.modulusLength ?? null;
  } catch {
    return null;
  }
}

async function checkSelector(
  resolver: DnsResolver,
  domain: string,
  selector: string,
): Promise<DkimSelectorCheck> {
  const name = `${selector}._domainkey.${domain}`;
  const base = { selector, name, cname: null, keyBits: null, notes: [] };
  const cname = await lookupCname(resolver, name);
  if ('error' in cname)
    return { ...base, status: 'warn', summary: couldNotLookUp(name, cname.error) };
  const target = cname.records[0] ?? null;
  // A CNAME'd key lives at the target; a resolver follows the alias for TXT anyway, and
  // asking the target directly also works with resolvers that do not.
  const txt = await lookupTxt(resolver, target ?? name);
  const at = target === null ? name : `${name} → ${target}`;
  if ('error' in txt)
    return { ...base, cname: target, status: 'warn', summary: couldNotLookUp(at, txt.error) };
  const record = txt.records.find((r) => /(^|;)\s*p=/i.test(r) || /^v=DKIM1/i.test(r.trim()));
  if (record === undefined)
    return { ...base, cname: target, status: 'fail', summary: `No DKIM key at ${at}` };
  const key = tags(record);
  const p = key.get('p') ?? '';
  if (p === '')
    return {
      ...base,
      cname: target,
      status: 'fail',
      summary: `The DKIM key at ${at} is revoked (empty p=)`,
    };
  const type = (key.get('k') ?? 'rsa').toLowerCase();
  if (type !== 'rsa')
    return {
      ...base,
      cname: target,
      status: 'pass',
      summary: `DKIM ${type} key published at ${at}`,
    };
  const bits = rsaBits(p);
  if (bits === null)
    return {
      ...base,
      cname: target,
      status: 'warn',
      summary: `The DKIM key at ${at} does not parse as an RSA public key`,
    };
  if (bits < MIN_RSA_BITS)
    return {
      ...base,
      cname: target,
      keyBits: bits,
      status: 'fail',
      summary: `The DKIM key at ${at} has ${bits} bits; Gmail requires at least ${MIN_RSA_BITS}`,
    };
  return {
    ...base,
    cname: target,
    keyBits: bits,
    status: 'pass',
    summary: `DKIM ${bits}-bit RSA key published at ${at}`,
    notes:
      bits < 2048
        ? ['2,048-bit keys are recommended; rotate to one when your provider offers it.']
        : [],
  };
}

/** Checks each selector's key; DKIM passes when at least one key is published. */
export async function checkDkim(
  resolver: DnsResolver,
  domain: string,
  selectors: readonly string[],
): Promise<DkimCheck> {
  if (selectors.length === 0)
    return {
      status: 'warn',
      summary: 'No DKIM selectors given, so DKIM was not checked',
      notes: [
        'Keys live at <selector>._domainkey.<domain> and cannot be listed; pass the selectors your provider gave you (e.g. SendGrid "s1" and "s2").',
      ],
      selectors: [],
    };
  const checks = await Promise.all(selectors.map((s) => checkSelector(resolver, domain, s)));
  const published = checks.filter((c) => c.status === 'pass');
  // One published key is enough to sign with; the others' problems stay visible per selector.
  const status =
    published.length > 0
      ? worst(checks.map((c) => c.status)) === 'pass'
        ? 'pass'
        : 'warn'
      : worst(checks.map((c) => c.status));
  return {
    status,
    summary:
      published.length > 0
        ? `DKIM key published for ${published.map((c) => c.selector).join(', ')}`
        : `No usable DKIM key for ${selectors.join(', ')}`,
    notes: checks.filter((c) => c.status !== 'pass').map((c) => c.summary),
    selectors: checks,
  };
}
