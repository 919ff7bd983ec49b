import { generateKeyPairSync } from 'node:crypto';
import { GreenTrackError } from '@greentrack/core';
import { describe, expect, it } from 'vitest';
import { checkSendingDomain, type DnsResolver } from './index.js';

/** The base64 SubjectPublicKeyInfo of a fresh RSA key, as a DKIM record's p= holds it. */
const rsaKey = (bits: number) =>
  generateKeyPairSync('rsa', { modulusLength: bits })
    .publicKey.export({ type: 'spki', format: 'der' })
    .toString('base64');
const KEY_2048 = rsaKey(2048);

type Zone = Record<string, { txt?: string[]; cname?: string; error?: string }>;

/** A resolver over a fixed zone: a missing name answers ENOTFOUND, like node:dns. */
function stubResolver(zone: Zone): DnsResolver & { asked: string[] } {
  const asked: string[] = [];
  const entry = (name: string) => {
    asked.push(name);
    const found = zone[name];
    if (found?.error) throw Object.assign(new Error(found.error), { code: found.error });
    return found;
  };
  const absent = (name: string) =>
    Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  return {
    asked,
    resolveTxt: async (name) => {
      const found = entry(name);
      if (found?.cname) return resolveTxtOf(found.cname);
      if (!found) throw absent(name);
      if (!found.txt) throw Object.assign(new Error('no TXT'), { code: 'ENODATA' });
      // Long records arrive split into 255-byte strings; the check joins them.
      return found.txt.map((r) => r.match(/.{1,255}/g) ?? ['']);
    },
    resolveCname: async (name) => {
      const found = entry(name);
      if (!found?.cname) throw Object.assign(new Error('no CNAME'), { code: 'ENODATA' });
      return [`${found.cname}.`];
    },
  };
  function resolveTxtOf(name: string): string[][] {
    const txt = zone[name]?.txt;
    if (!txt) throw absent(name);
    return txt.map((r) => [r]);
  }
}

/** A domain set up as Gmail's and Yahoo's 2024 rules ask. */
const GOOD: Zone = {
  'example.com': { txt: ['google-site-verification=abc', 'v=spf1 include:sendgrid.net -all'] },
  's1._domainkey.example.com': { cname: 's1.domainkey.u123.wl.sendgrid.net' },
  's1.domainkey.u123.wl.sendgrid.net': { txt: [`k=rsa; t=s; p=${KEY_2048}`] },
  '_dmarc.example.com': { txt: ['v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com'] },
};

const check = (zone: Zone, options: Parameters<typeof checkSendingDomain>[1] = {}) =>
  checkSendingDomain('example.com', {
    dkimSelectors: ['s1'],
    spfIncludes: ['sendgrid.net'],
    resolver: stubResolver(zone),
    ...options,
  });

describe('checkSendingDomain (stub resolver)', () => {
  it('passes a domain with SPF including the provider, a CNAMEd DKIM key and DMARC', async () => {
    const report = await check(GOOD);
    expect(report.status).toBe('pass');
    expect(report.domain).toBe('example.com');
    expect(report.spf).toMatchObject({
      status: 'pass',
      record: 'v=spf1 include:sendgrid.net -all',
      includes: ['sendgrid.net'],
      all: '-all',
      lookups: 1,
    });
    expect(report.dkim.selectors).toEqual([
      expect.objectContaining({
        selector: 's1',
        status: 'pass',
        cname: 's1.domainkey.u123.wl.sendgrid.net',
        keyBits: 2048,
      }),
    ]);
    expect(report.dmarc).toMatchObject({
      status: 'pass',
      policy: 'quarantine',
      foundAt: '_dmarc.example.com',
      reportTo: ['mailto:dmarc@example.com'],
    });
    expect(report.alignment.status).toBe('pass');
    for (const c of [report.spf, report.dkim, report.dmarc, report.alignment])
      expect(c.summary.length).toBeGreaterThan(10);
  });

  it('fails a domain with nothing published, saying what to add', async () => {
    const report = await check({ 'example.com': {} });
    expect(report.status).toBe('fail');
    expect(report.spf).toMatchObject({
      status: 'fail',
      summary: 'No SPF record (TXT "v=spf1 …") on example.com',
    });
    expect(report.dkim).toMatchObject({ status: 'fail', summary: 'No usable DKIM key for s1' });
    expect(report.dmarc.status).toBe('fail');
    expect(report.dmarc.notes.join(' ')).toContain('v=DMARC1; p=none');
    expect(report.alignment.status).toBe('warn');
  });

  it('judges SPF: several records, +all, ?all, a missing provider include, too many lookups', async () => {
    const spf = async (...txt: string[]) => (await check({ ...GOOD, 'example.com': { txt } })).spf;
    expect((await spf('v=spf1 -all', 'v=spf1 include:sendgrid.net ~all')).status).toBe('fail');
    expect(await spf('v=spf1 include:sendgrid.net +all')).toMatchObject({
      status: 'fail',
      all: '+all',
    });
    expect(await spf('v=spf1 include:sendgrid.net all')).toMatchObject({
      status: 'fail',
      all: '+all',
    });
    expect(await spf('v=spf1 include:sendgrid.net ?all')).toMatchObject({
      status: 'warn',
      all: '?all',
    });
    expect(await spf('v=spf1 include:sendgrid.net')).toMatchObject({ status: 'warn', all: null });
    expect(await spf('v=spf1 include:sendgrid.net ~all')).toMatchObject({
      status: 'pass',
      all: '~all',
    });
    const missing = await spf('v=spf1 include:_spf.google.com ~all');
    expect(missing.status).toBe('fail');
    expect(missing.summary).toContain('include:sendgrid.net');
    const many = Array.from({ length: 11 }, (_, i) => `include:s${i}.example.net`).join(' ');
    expect(await spf(`v=spf1 ${many} include:sendgrid.net -all`)).toMatchObject({
      status: 'fail',
      lookups: 12,
    });
    // Case and a v=spf10 look-alike: only "v=spf1" followed by a space or the end counts.
    expect((await spf('V=SPF1 INCLUDE:SendGrid.net -all', 'v=spf10 nonsense')).status).toBe('pass');
  });

  it('judges DKIM keys: TXT or CNAME, revoked, short, unparsable, several selectors, none given', async () => {
    const dkim = async (txt: string, selectors = ['s1']) =>
      (
        await check(
          { ...GOOD, 's1._domainkey.example.com': { txt: [txt] } },
          { dkimSelectors: selectors },
        )
      ).dkim;
    expect((await dkim(`v=DKIM1; k=rsa; p=${KEY_2048}`)).selectors[0]).toMatchObject({
      status: 'pass',
      cname: null,
      keyBits: 2048,
    });
    expect((await dkim('v=DKIM1; k=rsa; p=')).selectors[0]?.summary).toContain('revoked');
    const short = await dkim(`v=DKIM1; p=${rsaKey(768)}`);
    expect(short).toMatchObject({ status: 'fail' });
    expect(short.selectors[0]).toMatchObject({ keyBits: 768 });
    const mid = await dkim(`v=DKIM1; p=${rsaKey(1024)}`);
    expect(mid.status).toBe('pass');
    expect(mid.selectors[0]?.notes[0]).toContain('2,048-bit');
    expect((await dkim('v=DKIM1; p=bm90IGEga2V5')).status).toBe('warn');
    expect(
      (await dkim('v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=')).status,
    ).toBe('pass');
    // One key published, one selector missing: usable, but the gap is shown.
    const two = await dkim(`v=DKIM1; p=${KEY_2048}`, ['s1', 's2']);
    expect(two.status).toBe('warn');
    expect(two.selectors.map((s) => s.status)).toEqual(['pass', 'fail']);
    const none = (await check(GOOD, { dkimSelectors: [] })).dkim;
    expect(none).toMatchObject({ status: 'warn', selectors: [] });
  });

  it('judges DMARC: p=none is enough, a missing or bad policy fails, a parent record applies through sp=', async () => {
    const dmarc = async (txt: string[], domain = 'example.com') =>
      (
        await checkSendingDomain(domain, {
          resolver: stubResolver({ ...GOOD, '_dmarc.example.com': { txt } }),
        })
      ).dmarc;
    const none = await dmarc(['v=DMARC1; p=none']);
    expect(none).toMatchObject({ status: 'pass', policy: 'none', reportTo: [] });
    expect(none.notes.join(' ')).toContain('no aggregate reports');
    expect(await dmarc(['v=DMARC1; rua=mailto:x@example.com'])).toMatchObject({
      status: 'fail',
      policy: null,
    });
    expect(await dmarc(['v=DMARC1; p=bogus'])).toMatchObject({ status: 'fail' });
    expect((await dmarc(['v=DMARC1; p=none', 'v=DMARC1; p=reject'])).status).toBe('fail');
    const sub = await dmarc(['v=DMARC1; p=reject; sp=none; adkim=s'], 'news.example.com');
    expect(sub).toMatchObject({
      status: 'pass',
      policy: 'none',
      foundAt: '_dmarc.example.com',
      alignment: { dkim: 's', spf: 'r' },
    });
  });

  it('checks alignment through DKIM, else through the return-path domain', async () => {
    const noDkim = { ...GOOD, 's1._domainkey.example.com': {} };
    expect((await check(noDkim)).alignment.status).toBe('warn');
    expect((await check(noDkim, { returnPathDomain: 'em123.example.com' })).alignment.status).toBe(
      'pass',
    );
    const foreign = await check(noDkim, { returnPathDomain: 'bounces.sendgrid.net' });
    expect(foreign.alignment.status).toBe('fail');
    const strict = {
      ...noDkim,
      '_dmarc.example.com': { txt: ['v=DMARC1; p=none; aspf=s'] },
    };
    expect((await check(strict, { returnPathDomain: 'em123.example.com' })).alignment.status).toBe(
      'fail',
    );
  });

  it('says a domain that does not resolve at all does not exist, not that it lacks SPF', async () => {
    const report = await check({});
    expect(report.spf).toMatchObject({
      status: 'fail',
      summary: 'example.com does not exist in DNS (NXDOMAIN)',
    });
    expect(report.spf.notes[0]).toContain('resolver of this server cannot see it');
  });

  it('reports a lookup that failed as warn ("could not look up"), never as a missing record', async () => {
    const report = await check({
      ...GOOD,
      'example.com': { error: 'ETIMEOUT' },
      '_dmarc.example.com': { error: 'ESERVFAIL' },
    });
    expect(report.spf).toMatchObject({ status: 'warn' });
    expect(report.spf.summary).toContain('Could not look up example.com (ETIMEOUT)');
    expect(report.dmarc.summary).toContain('ESERVFAIL');
    expect(report.dkim.status).toBe('pass');
  });

  it('normalizes the domain (case, trailing dot, IDN) and rejects bad input with typed codes', async () => {
    const resolver = stubResolver({});
    expect((await checkSendingDomain('Example.COM.', { resolver })).domain).toBe('example.com');
    expect((await checkSendingDomain('bäckerei.de', { resolver })).domain).toBe(
      'xn--bckerei-5wa.de',
    );
    for (const [domain, options, code] of [
      ['localhost', {}, 'DNS_DOMAIN_INVALID'],
      ['exa mple.com', {}, 'DNS_DOMAIN_INVALID'],
      ['example.com', { dkimSelectors: ['s1;rm'] }, 'DNS_SELECTOR_INVALID'],
      ['example.com', { returnPathDomain: 'not a domain' }, 'DNS_DOMAIN_INVALID'],
    ] as const) {
      const error = await checkSendingDomain(domain, { resolver, ...options }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(GreenTrackError);
      expect((error as GreenTrackError).code).toBe(code);
    }
  });
});
